using ControlRL.Envs.Driving.Env;
using ControlRL.Envs.Driving.Simulation;
using ControlRL.Scoring.NuPlan;

namespace ControlRL.Cli.Benchmarks;

/// <summary>
/// The nuPlan-style closed-loop score of a benchmark's routes (nuplan-devkit's metrics over our simulator's per-step
/// trace), kept beside the leaderboard results as nuplan_scores.json and resumed with them.
/// </summary>
internal sealed class NuPlanRuns
{
    public const string FileName = NuPlanScoresFile.FileName;

    private readonly string _path;
    private readonly List<NuPlanScenarioScore> _scores;

    private NuPlanRuns(string path, List<NuPlanScenarioScore> scores)
    {
        _path = path;
        _scores = scores;
    }

    /// <summary>Starts empty, or keeps the first <paramref name="keep"/> scenarios of an existing file (a resumed benchmark).</summary>
    public static NuPlanRuns Open(string path, int keep)
    {
        var scores = new List<NuPlanScenarioScore>();
        if (keep > 0 && File.Exists(path))
            scores.AddRange(NuPlanScoresFile.Read(path).Summary.Scenarios.Take(keep));
        return new NuPlanRuns(path, scores);
    }

    public void Add(RouteRun run) => _scores.Add(NuPlanScorer.Score(Trace(run)));

    /// <summary>Writes the file (atomically); null when no route has a score yet.</summary>
    public string? Write()
    {
        if (_scores.Count == 0) return null;
        NuPlanScoresFile.Write(_path, NuPlanScorer.Aggregate(_scores));
        return _path;
    }

    /// <summary>
    /// The route's trace as the devkit's metrics read it. The expert's progress is the whole route (there is no logged
    /// human drive to compare with), so ego progress is the share of the route driven; a run shorter than the devkit's
    /// 4-step minimum is padded with its last state.
    /// </summary>
    internal static NuPlanScenarioTrace Trace(RouteRun run)
    {
        var t = run.Trace;
        int n = Math.Max(4, t.Count);
        double[] Pad(ReadOnlySpan<double> src, double fill)
        {
            var a = new double[n];
            src.CopyTo(a);
            for (int i = src.Length; i < n; i++) a[i] = src.Length > 0 ? src[^1] : fill;
            return a;
        }
        var speed = Pad(t.Speed, 0);
        var against = Pad(t.AgainstLane, 0);
        var lane = new double[n];
        for (int i = 1; i < n; i++) lane[i] = against[i] > 0 ? -against[i] : speed[i] * 0.1;
        var collisions = t.Collisions.Select(c => new NuPlanCollision(c.Step, c.OtherKind switch
        {
            ActorKind.Pedestrian => NuPlanObjectClass.Vru,
            ActorKind.StaticObject => NuPlanObjectClass.Object,
            _ => NuPlanObjectClass.Vehicle,
        }, (NuPlanCollisionType)(int)c.Type, EgoInMultipleLanesOrNonDrivable: c.AtFault && c.Type == Envs.Driving.Infractions.NuPlanCollisionType.ActiveLateral)).ToArray();
        return new NuPlanScenarioTrace
        {
            ScenarioId = run.Scenario.RouteId,
            ScenarioType = run.Scenario.TownName,
            X = Pad(t.X, 0),
            Y = Pad(t.Y, 0),
            Heading = Pad(t.Heading, 0),
            Speed = speed,
            LongitudinalAcceleration = Pad(t.LongitudinalAccel, 0),
            LateralAcceleration = Pad(t.LateralAccel, 0),
            SpeedLimit = Pad(t.SpeedLimit, double.NaN),
            DrivableAreaDistance = Pad(t.MaxOutside, 0),
            RouteProgress = Pad(t.Progress, 0),
            ExpertRouteProgress = run.Scenario.Route.Length,
            LaneProgress = lane,
            TimeToCollision = Pad(t.MinTimeToCollision, double.PositiveInfinity),
            Collisions = collisions,
        };
    }
}
