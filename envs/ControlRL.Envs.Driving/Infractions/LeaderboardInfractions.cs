using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.Leaderboard;
using LbKind = ControlRL.Scoring.Leaderboard.InfractionKind;

namespace ControlRL.Envs.Driving.Infractions;

/// <summary>
/// Our infraction events in the leaderboard's words: the message texts come from the scoring project's factories
/// (one source for every results file we write), with positions at z = 0.
/// </summary>
public static class LeaderboardInfractions
{
    /// <summary>The leaderboard's infraction for this event; null for a collision the leaderboard ignores (none of ours).</summary>
    public static Infraction? ToLeaderboard(this in InfractionEvent e)
    {
        double x = e.Position.X, y = e.Position.Y;
        return e.Kind switch
        {
            InfractionKind.CollisionPedestrian or InfractionKind.CollisionVehicle or InfractionKind.CollisionLayout =>
                Infraction.Collision(TypeId(e.OtherKind), e.OtherId, x, y, 0),
            InfractionKind.RedLight => Infraction.RedLight(e.SignalId, x, y, 0),
            InfractionKind.StopSign => Infraction.StopSign(e.SignalId, x, y, 0),
            InfractionKind.OutsideRouteLanes => Infraction.OutsideRouteLanes(e.Metres, e.Percentage),
            InfractionKind.MinSpeed => Infraction.MinSpeed(e.Percentage),
            InfractionKind.RouteDeviation => Infraction.RouteDeviation(x, y, 0),
            InfractionKind.VehicleBlocked => Infraction.Blocked(x, y, 0),
            InfractionKind.RouteTimeout => Infraction.RouteTimeout(),
            InfractionKind.ScenarioTimeout => Infraction.ScenarioTimeout(),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "no leaderboard form"),
        };
    }

    /// <summary>
    /// CARLA-style type ids for the other actor, chosen so the leaderboard's CollisionTest sorts them as our kinds do
    /// ('static' -> layout, 'vehicle' -> vehicle, 'walker' -> pedestrian; a 'traffic' id would count as layout).
    /// </summary>
    public static string TypeId(ActorKind? kind) => kind switch
    {
        ActorKind.Vehicle => "vehicle.controlrl.car",
        ActorKind.ParkedVehicle => "vehicle.controlrl.parked",
        ActorKind.Pedestrian => "walker.pedestrian.controlrl",
        ActorKind.StaticObject => "static.prop.controlrl",
        _ => "static.layout",
    };

    /// <summary>The leaderboard's kind of the event (its key in results files).</summary>
    public static LbKind LeaderboardKind(this InfractionKind kind) =>
        InfractionKeys.TryParse(kind.LeaderboardKey(), out var k) ? k : throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
}
