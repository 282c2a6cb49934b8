using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Expert;
using ControlRL.Envs.Driving.Infractions;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Cli.Benchmarks;

/// <summary>
/// The nuPlan-style closed-loop score of a benchmark's routes (nuplan-devkit's metrics over our simulator's per-step
/// trace), kept beside the leaderboard results as nuplan_scores.json and resumed with them. nuPlan scores 15 s
/// scenarios against the logged human drive; a route here is cut into consecutive 15 s windows, each one scenario
/// (<c>route_07/003</c>), and the "expert" whose progress the ego's is compared with is our rule-based expert driving
/// the same route with the same traffic seed (the log of a reference driver, as nuPlan's is). Scoring whole routes
/// as single scenarios would make the binary metrics (comfort, TTC) fail on any one moment of a 2 km drive.
/// </summary>
internal sealed class NuPlanRuns
{
    public const string FileName = NuPlanScoresFile.FileName;

    /// <summary>nuPlan's scenario length: 15 s at our 10 Hz.</summary>
    public const int WindowSteps = 150;

    private readonly string _path;
    private readonly List<NuPlanScenarioScore> _scores;

    private NuPlanRuns(string path, List<NuPlanScenarioScore> scores)
    {
        _path = path;
        _scores = scores;
    }

    /// <summary>Starts empty, or keeps the scenarios of the first routes (those in <paramref name="keepRoutes"/>) of an existing file (a resumed benchmark).</summary>
    public static NuPlanRuns Open(string path, IReadOnlySet<string> keepRoutes)
    {
        var scores = new List<NuPlanScenarioScore>();
        if (keepRoutes.Count > 0 && File.Exists(path))
            scores.AddRange(NuPlanScoresFile.Read(path).Summary.Scenarios.Where(s => keepRoutes.Contains(RouteOf(s.ScenarioId))));
        return new NuPlanRuns(path, scores);
    }

    private static string RouteOf(string scenarioId) => scenarioId.Split('/')[0];

    /// <summary>Scores the run's windows; <paramref name="expertProgress"/>: the reference driver's route progress at each step, metres.</summary>
    public void Add(RouteRun run, double[] expertProgress)
    {
        foreach (var trace in Traces(run, expertProgress)) _scores.Add(NuPlanScorer.Score(trace));
    }

    /// <summary>Writes the file (atomically); null when no route has a score yet.</summary>
    public string? Write()
    {
        if (_scores.Count == 0) return null;
        NuPlanScoresFile.Write(_path, NuPlanScorer.Aggregate(_scores));
        return _path;
    }

    /// <summary>
    /// The run as the devkit's metrics read it, in 15 s windows (a last piece shorter than the devkit's 4-step minimum
    /// joins the window before it; a run shorter than 4 steps is padded with its last state).
    /// </summary>
    internal static IEnumerable<NuPlanScenarioTrace> Traces(RouteRun run, double[] expertProgress)
    {
        var t = run.Trace;
        int n = t.Count;
        var starts = new List<int>();
        for (int s = 0; s < n; s += WindowSteps) starts.Add(s);
        if (starts.Count == 0) starts.Add(0);
        if (starts.Count > 1 && n - starts[^1] < 4) starts.RemoveAt(starts.Count - 1);
        for (int w = 0; w < starts.Count; w++)
        {
            int from = starts[w], to = w + 1 < starts.Count ? starts[w + 1] : n;
            yield return Window(run, from, to, expertProgress, $"{run.Scenario.RouteId}/{w:000}");
        }
    }

    private static NuPlanScenarioTrace Window(RouteRun run, int from, int to, double[] reference, string id)
    {
        var t = run.Trace;
        int count = Math.Max(4, to - from);
        double[] Slice(ReadOnlySpan<double> src, double fill)
        {
            var a = new double[count];
            int have = Math.Max(0, Math.Min(to, src.Length) - from);
            if (have > 0) src.Slice(from, have).CopyTo(a);
            for (int i = have; i < count; i++) a[i] = have > 0 ? a[have - 1] : (src.Length > 0 ? src[^1] : fill);
            return a;
        }
        var speed = Slice(t.Speed, 0);
        var against = Slice(t.AgainstLane, 0);
        var lane = new double[count];
        for (int i = 1; i < count; i++) lane[i] = against[i] > 0 ? -against[i] : speed[i] * 0.1;
        double RefAt(int step) => reference.Length == 0 ? 0 : reference[Math.Clamp(step, 0, reference.Length - 1)];
        double expert = RefAt(to - 1) - RefAt(from);
        var collisions = t.Collisions.Where(c => c.Step >= from && c.Step < to).Select(c => new NuPlanCollision(c.Step - from, c.OtherKind switch
        {
            ActorKind.Pedestrian => NuPlanObjectClass.Vru,
            ActorKind.StaticObject => NuPlanObjectClass.Object,
            _ => NuPlanObjectClass.Vehicle,
        }, c.Type, EgoInMultipleLanesOrNonDrivable: c.AtFault && c.Type == NuPlanCollisionType.ActiveLateral)).ToArray();
        return new NuPlanScenarioTrace
        {
            ScenarioId = id,
            ScenarioType = run.Scenario.TownName,
            X = Slice(t.X, 0),
            Y = Slice(t.Y, 0),
            Heading = Slice(t.Heading, 0),
            Speed = speed,
            LongitudinalAcceleration = Slice(t.LongitudinalAccel, 0),
            LateralAcceleration = Slice(t.LateralAccel, 0),
            SpeedLimit = Slice(t.SpeedLimit, double.NaN),
            DrivableAreaDistance = Slice(t.MaxOutside, 0),
            RouteProgress = Slice(t.Progress, 0),
            ExpertRouteProgress = expert,
            LaneProgress = lane,
            TimeToCollision = Slice(t.MinTimeToCollision, double.PositiveInfinity),
            Collisions = collisions,
        };
    }

    /// <summary>
    /// The reference driver's log for a route: the rule-based expert drives it with the route's traffic seed, as the
    /// benchmark would, and its route progress is recorded at every step.
    /// </summary>
    public static double[] ExpertProgress(DrivingScenario scenario)
    {
        var world = new DrivingWorld(scenario.Route.Town, scenario.Route, scenario.World);
        world.Reset(scenario.Seed);
        var monitor = new InfractionMonitor(world, TerminationRules.Leaderboard);
        monitor.Reset();
        var expert = new RuleBasedExpert();
        expert.Reset(world);
        var action = new float[2];
        var progress = new List<double>(4096);
        while (true)
        {
            expert.Act(world, action);
            world.Step(action[0], action[1]);
            var end = monitor.Update();
            progress.Add(world.RouteProgress);
            if (end != EpisodeEnd.None) break;
        }
        return [.. progress];
    }
}
