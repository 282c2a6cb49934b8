using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Roads;
using ControlRL.Envs.Driving.Simulation;

namespace ControlRL.Envs.Driving.Env;

/// <summary>
/// One route to drive: the route in its town, the traffic around it and the traffic seed. A benchmark assigns one per
/// episode (<see cref="DrivingEnv.Assign"/>); training draws them from <see cref="TrainingScenarios"/>.
/// </summary>
/// <param name="Index">Position in its suite (the leaderboard's record index); -1 for sampled training routes.</param>
/// <param name="Seed">Seeds the traffic: the same scenario gives the same episode for the same actions.</param>
public sealed record DrivingScenario(string RouteId, int Index, string TownName, Route Route, WorldOptions World, ulong Seed)
{
    /// <summary>The scenario of a suite route (its conditions and seed as the suite file gives them).</summary>
    public static DrivingScenario FromSuite(SuiteRoute route, int index)
    {
        ArgumentNullException.ThrowIfNull(route);
        var c = route.Conditions;
        var world = new WorldOptions
        {
            VehiclesPerKm = c.VehiclesPerKm,
            PedestriansPerKm = c.PedestriansPerKm,
            ParkedPerKm = c.ParkedPerKm,
            Obstacles = c.Obstacles,
            Jaywalkers = c.Jaywalkers,
            TrafficSeed = c.Seed,
        };
        return new DrivingScenario(route.Id, index, route.Network.Name, route.Route, world, c.Seed);
    }
}

/// <summary>
/// What one finished episode of a scenario amounts to: everything a leaderboard record and a nuPlan-style score are
/// computed from. Taken from the env after the step that ended it (<see cref="DrivingEnv.TakeFinished"/>).
/// </summary>
public sealed record RouteRun(
    DrivingScenario Scenario,
    IReadOnlyList<InfractionEvent> Infractions,
    double RouteCompletion,
    bool Completed,
    EpisodeEnd End,
    EpisodeEnd LeaderboardEnd,
    double DurationGame,
    double DurationSystem,
    int Steps,
    EpisodeTrace Trace);
