using ControlRL.Envs.Driving.Geometry;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Bev;

/// <summary>
/// What one BEV frame shows: the town, the route, the ego's footprint (its centre and heading place the raster), the
/// other actors and the state of each signal. Spans are borrowed for the call only; nothing is copied.
/// </summary>
public readonly ref struct BevScene
{
    public BevScene(RoadNetwork town, Route? route, OrientedBox ego, ReadOnlySpan<ActorState> actors, ReadOnlySpan<LightState> signals)
    {
        Town = town;
        Route = route;
        Ego = ego;
        Actors = actors;
        Signals = signals;
    }

    public RoadNetwork Town { get; }

    /// <summary>The episode's route, or null (then no route is drawn and every signal in view is).</summary>
    public Route? Route { get; }

    public OrientedBox Ego { get; }

    /// <summary>Every actor but the ego (those out of view are skipped cheaply).</summary>
    public ReadOnlySpan<ActorState> Actors { get; }

    /// <summary>Light state per signal id of the town (stop signs' entries are ignored). May be shorter only when no traffic light is drawn.</summary>
    public ReadOnlySpan<LightState> Signals { get; }

    /// <summary>
    /// Arc length along the route the ego has reached (the route is drawn from here on). NaN (the default): the
    /// renderer follows the ego along the route itself by projecting its centre near the last position.
    /// </summary>
    public double RouteProgress { get; init; } = double.NaN;

    /// <summary>
    /// Per signal id: true once the ego has completed its stop at that stop sign, which then disappears from the
    /// stop-sign channel as CaRL's does (bev_observation.py, get_stops). Empty: no stop completed.
    /// </summary>
    public ReadOnlySpan<bool> StopsCompleted { get; init; }
}
