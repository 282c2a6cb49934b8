using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>How traffic entering a junction is controlled.</summary>
public enum JunctionControl
{
    /// <summary>Traffic lights; each incoming lane's signal belongs to a phase group.</summary>
    TrafficLights,

    /// <summary>A stop sign on every incoming lane (all-way stop): stop, then go in order of arrival.</summary>
    AllWayStop,

    /// <summary>Stop signs on the minor road only; the major road has priority.</summary>
    MinorStop,
}

/// <summary>
/// Fixed-time signal plan: phase group g is green during its slot of the cycle, then yellow, then all-red. The cycle
/// is groups x (green + yellow + all-red) seconds; <see cref="Offset"/> shifts it so junctions are not synchronized.
/// </summary>
public sealed record SignalTiming(double Green, double Yellow, double AllRed, double Offset)
{
    public static SignalTiming Default { get; } = new(12, 3, 1, 0);
}

/// <summary>An area where connector lanes cross. <see cref="Polygon"/> is its outline (convex, counter-clockwise).</summary>
public sealed class Junction
{
    public Junction(int id, Vec2 centre, IReadOnlyList<Vec2> polygon, JunctionControl control)
    {
        Id = id;
        Centre = centre;
        Polygon = polygon;
        Control = control;
    }

    public int Id { get; }
    public Vec2 Centre { get; }
    public IReadOnlyList<Vec2> Polygon { get; }
    public JunctionControl Control { get; }

    /// <summary>Phase groups of the light plan (lights only); signals name their group.</summary>
    public int PhaseGroups { get; init; }

    public SignalTiming Timing { get; init; } = SignalTiming.Default;

    /// <summary>Filled by <see cref="RoadNetwork"/>: the connector lanes inside.</summary>
    public int[] Connectors { get; internal set; } = [];

    /// <summary>Filled by <see cref="RoadNetwork"/>: the lanes that end at this junction.</summary>
    public int[] Incoming { get; internal set; } = [];
}

public enum SignalKind
{
    TrafficLight,
    StopSign,
}

/// <summary>
/// A traffic light or stop sign at the stop line of one or more incoming lanes (<see cref="Lanes"/>, each ending at
/// the line). <see cref="StopLineA"/>-<see cref="StopLineB"/> is the painted line across those lanes.
/// </summary>
public sealed record TrafficSignal(int Id, SignalKind Kind, int JunctionId, int[] Lanes, Vec2 StopLineA, Vec2 StopLineB, int PhaseGroup = 0);

/// <summary>A speed-limit sign beside a lane, at arc length <see cref="S"/> where the limit starts.</summary>
public sealed record SpeedSign(int LaneId, double S, double Limit, Vec2 Position);

/// <summary>A pedestrian crossing from <see cref="A"/> to <see cref="B"/> (kerb to kerb), <see cref="Width"/> metres wide.</summary>
public sealed record Crosswalk(int Id, Vec2 A, Vec2 B, double Width, int JunctionId);
