using System.Collections.Concurrent;
using ControlRL.Core.Random;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>A shipped town: its name, generator seed and options.</summary>
public sealed record TownSpec(string Name, ulong Seed, TownOptions Options);

/// <summary>A named traffic mix of the shipped suites (the suite files store only its numbers).</summary>
public sealed record ConditionSet(string Name, double VehiclesPerKm, double PedestriansPerKm, double ParkedPerKm, int Obstacles, int Jaywalkers)
{
    /// <summary>These conditions with a traffic seed; obstacles are capped at what the route has room for.</summary>
    public RouteConditions For(ulong seed, int maxObstacles) => new(VehiclesPerKm, PedestriansPerKm, ParkedPerKm, Math.Min(Obstacles, maxObstacles), Jaywalkers, seed);
}

/// <summary>
/// The towns and suites shipped in the Data folder next to the assembly (Data/towns/*.json, Data/suites/*.json):
/// training towns Town01-Town06, held-out evaluation towns Town07-Town10, and the suites <c>heldout36</c>
/// (36 routes of 1-2 km in the held-out towns, longest6's analogue), <c>quick</c> (6 short held-out routes) and
/// <c>training</c> (routes in the training towns). <see cref="Regenerate"/> rebuilds all of it byte for byte.
/// </summary>
public static class DrivingData
{
    private static readonly ConcurrentDictionary<string, RoadNetwork> TownCache = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, DrivingSuite> SuiteCache = new(StringComparer.Ordinal);

    /// <summary>The shipped data folder (copied next to the assembly at build time).</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string TownsFolder => Path.Combine(Folder, "towns");
    public static string SuitesFolder => Path.Combine(Folder, "suites");

    /// <summary>Names of the shipped town files (without .json), sorted.</summary>
    public static IReadOnlyList<string> TownNames => Names(TownsFolder);

    /// <summary>Names of the shipped suite files (without .json), sorted.</summary>
    public static IReadOnlyList<string> SuiteNames => Names(SuitesFolder);

    /// <summary>A shipped town by name (e.g. "Town03"); loaded once and shared.</summary>
    public static RoadNetwork Town(string name) =>
        TownCache.GetOrAdd(name, n => TownFile.Load(Lookup(TownsFolder, n, "town", TownNames)));

    /// <summary>A shipped suite by name (e.g. "heldout36"); loaded once and shared.</summary>
    public static DrivingSuite Suite(string name) =>
        SuiteCache.GetOrAdd(name, n => DrivingSuite.Load(Lookup(SuitesFolder, n, "suite", SuiteNames), SharedTown));

    /// <summary>Shipped towns come from the town cache, so a suite's towns are the instances <see cref="Town"/> returns.</summary>
    private static RoadNetwork SharedTown(string fullPath) =>
        string.Equals(Path.GetDirectoryName(fullPath), Path.GetFullPath(TownsFolder), StringComparison.Ordinal)
            ? Town(Path.GetFileNameWithoutExtension(fullPath))
            : TownFile.Load(fullPath);

    private static string Lookup(string folder, string name, string what, IReadOnlyList<string> available)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string path = Path.Combine(folder, name + ".json");
        if (name.IndexOfAny(['/', '\\']) >= 0 || !File.Exists(path))
            throw new KeyNotFoundException($"unknown {what} '{name}'; available: {(available.Count == 0 ? $"none (no files in {folder})" : string.Join(", ", available))}.");
        return path;
    }

    private static IReadOnlyList<string> Names(string folder) =>
        Directory.Exists(folder) ? [.. Directory.GetFiles(folder, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal)] : [];

    /// <summary>The training towns: CARLA-like variety from a small single-lane town to a multi-lane grid with a ring road.</summary>
    public static IReadOnlyList<TownSpec> TrainingTowns { get; } =
    [
        // Small, single-lane, many T junctions (CARLA Town01's spirit).
        new("Town01", 1001, new TownOptions { Columns = 5, Rows = 4, BlockLength = 190, Arterials = 0, RemovedEdges = 0.3, CurvedRoads = 0.15, TrafficLights = 0.7, AllWayStops = 0.1, MinorStops = 0.2 }),
        // Small and curvy with stop signs (Town02).
        new("Town02", 1002, new TownOptions { Columns = 4, Rows = 4, BlockLength = 160, Arterials = 0, RemovedEdges = 0.2, CurvedRoads = 0.3, TrafficLights = 0.4, AllWayStops = 0.3, MinorStops = 0.3 }),
        // Large and complex: arterials and a two-lane ring (Town03).
        new("Town03", 1003, new TownOptions { Columns = 6, Rows = 6, BlockLength = 180, Arterials = 2, MultiLaneRing = true, CurvedRoads = 0.3, TrafficLights = 0.6, AllWayStops = 0.15, MinorStops = 0.25 }),
        // A fast two-lane ring around a few blocks (Town04's loop).
        new("Town04", 1004, new TownOptions { Columns = 5, Rows = 5, BlockLength = 220, Arterials = 1, MultiLaneRing = true, CurvedRoads = 0.4, CornerRadius = 30, TrafficLights = 0.5, AllWayStops = 0.2, MinorStops = 0.3 }),
        // A multi-lane grid with every approach on its own light phase (Town05).
        new("Town05", 1005, new TownOptions { Columns = 6, Rows = 5, BlockLength = 190, Arterials = 3, Phasing = LightPhasing.EachApproach, CurvedRoads = 0.15, TrafficLights = 0.8, AllWayStops = 0.1, MinorStops = 0.1 }),
        // Long blocks, mostly signed junctions (Town06).
        new("Town06", 1006, new TownOptions { Columns = 5, Rows = 6, BlockLength = 200, Arterials = 2, RemovedEdges = 0.25, CurvedRoads = 0.2, TrafficLights = 0.3, AllWayStops = 0.3, MinorStops = 0.4 }),
    ];

    /// <summary>The held-out evaluation towns: other seeds and somewhat different option mixes; never used in training.</summary>
    public static IReadOnlyList<TownSpec> EvaluationTowns { get; } =
    [
        // Curvy and sign-controlled, with faster local streets.
        new("Town07", 7001, new TownOptions { Columns = 5, Rows = 5, BlockLength = 200, Arterials = 1, CurvedRoads = 0.5, CurveBulge = 0.12, LocalSpeedKmh = 40, TrafficLights = 0.2, AllWayStops = 0.3, MinorStops = 0.5, Crosswalks = 0.4 }),
        // A dense multi-lane grid with protected phases.
        new("Town08", 7002, new TownOptions { Columns = 6, Rows = 5, BlockLength = 185, Arterials = 2, Phasing = LightPhasing.EachApproach, CurvedRoads = 0.2, TrafficLights = 0.7, AllWayStops = 0.1, MinorStops = 0.2 }),
        // A ring road and irregular blocks.
        new("Town09", 7003, new TownOptions { Columns = 5, Rows = 5, BlockLength = 210, Jitter = 0.1, Arterials = 1, MultiLaneRing = true, RemovedEdges = 0.25, CurvedRoads = 0.3, TrafficLights = 0.4, AllWayStops = 0.3, MinorStops = 0.3 }),
        // Short blocks, many collectors.
        new("Town10", 7004, new TownOptions { Columns = 6, Rows = 6, BlockLength = 170, Arterials = 2, RemovedEdges = 0.2, CurvedRoads = 0.2, CollectorShare = 0.5, TrafficLights = 0.5, AllWayStops = 0.3, MinorStops = 0.2 }),
    ];

    /// <summary>
    /// The six traffic mixes of the shipped suites. longest6 varies six weathers by six daylights across its 36
    /// routes; with no weather here, heldout36 varies traffic, pedestrians and obstacles instead: six routes per set.
    /// </summary>
    public static IReadOnlyList<ConditionSet> ConditionSets { get; } =
    [
        new("sparse", 4, 4, 2, 0, 0),
        new("light", 8, 8, 6, 0, 1),
        new("busy_traffic", 20, 6, 8, 1, 0),
        new("busy_pedestrians", 8, 24, 8, 0, 3),
        new("roadworks", 12, 10, 12, 2, 1),
        new("dense", 24, 20, 16, 2, 2),
    ];

    /// <summary>The names of the shipped suites, in the order <see cref="Regenerate"/> builds them.</summary>
    public static IReadOnlyList<string> ShippedSuites { get; } = ["heldout36", "quick", "training"];

    /// <summary>
    /// Writes every shipped town and suite under <paramref name="outputDir"/> (towns/ and suites/). Deterministic: the
    /// committed Data folder is exactly what this writes.
    /// </summary>
    public static void Regenerate(string outputDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDir);
        var towns = new Dictionary<string, RoadNetwork>();
        foreach (var spec in TrainingTowns.Concat(EvaluationTowns))
        {
            var town = GenerateTown(spec);
            towns[spec.Name] = town;
            TownFile.Save(Path.Combine(outputDir, "towns", spec.Name + ".json"), town, new TownProvenance(spec.Seed, spec.Options));
        }
        foreach (string name in ShippedSuites)
            DrivingSuite.Save(Path.Combine(outputDir, "suites", name + ".json"), BuildSuite(name, n => towns[n]));
    }

    public static RoadNetwork GenerateTown(TownSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return TownGenerator.Generate(spec.Name, spec.Seed, spec.Options);
    }

    /// <summary>One shipped suite's definition, its routes sampled from the given towns (by name).</summary>
    public static SuiteDefinition BuildSuite(string name, Func<string, RoadNetwork> town)
    {
        ArgumentNullException.ThrowIfNull(town);
        var eval = EvaluationTowns.Select(t => t.Name).ToArray();
        var train = TrainingTowns.Select(t => t.Name).ToArray();
        return name switch
        {
            // 9 routes of 1-2 km per held-out town; route k gets condition set k mod 6.
            "heldout36" => new SuiteDefinition(name, 1,
                "36 routes of 1-2 km in the held-out towns Town07-Town10, six per condition set (longest6's analogue: traffic, pedestrian and obstacle mixes instead of weathers and daylights).",
                SuiteSplit.Evaluation, SampleRoutes(town, [.. Enumerable.Range(0, 36).Select(k => eval[k / 9])], 1000, 2000, 36_000)),
            // 6 routes of 300-600 m in the held-out towns, one per condition set.
            "quick" => new SuiteDefinition(name, 1,
                "6 short routes (300-600 m) in the held-out towns, one per condition set, for evaluation during training.",
                SuiteSplit.Evaluation, SampleRoutes(town, [.. Enumerable.Range(0, 6).Select(k => eval[k % eval.Length])], 300, 600, 6_000)),
            // 10 routes of 300-2000 m per training town.
            "training" => new SuiteDefinition(name, 1,
                "60 routes of 300-2000 m in the training towns Town01-Town06 (ten per town), condition sets in turn.",
                SuiteSplit.Training, SampleRoutes(town, [.. Enumerable.Range(0, 60).Select(k => train[k / 10])], 300, 2000, 60_000)),
            _ => throw new KeyNotFoundException($"unknown shipped suite '{name}'; shipped: {string.Join(", ", ShippedSuites)}."),
        };
    }

    private static List<SuiteRouteDefinition> SampleRoutes(Func<string, RoadNetwork> towns, string[] townOfRoute, double min, double max, ulong seedBase)
    {
        var routes = new List<SuiteRouteDefinition>();
        for (int k = 0; k < townOfRoute.Length; k++)
        {
            var town = towns(townOfRoute[k]);
            var set = ConditionSets[k % ConditionSets.Count];
            // Obstacle scenarios need a road with a second lane to pass on.
            var sampler = new RouteSampler(town, new RouteSamplerOptions { MinLength = min, MaxLength = max, MinMultiLaneRoads = set.Obstacles > 0 && HasMultiLane(town) ? 1 : 0 });
            var route = sampler.Sample(new Rng(seedBase + (ulong)k));
            routes.Add(new SuiteRouteDefinition($"route_{k:00}", $"../towns/{townOfRoute[k]}.json", route.Lanes, route.Start, route.Goal,
                RoadGeometry.Round(route.Length), set.For(seedBase + 1000 + (ulong)k, route.MultiLaneRoads)));
        }
        return routes;
    }

    private static bool HasMultiLane(RoadNetwork town) => town.Lanes.Any(l => l.LeftNeighbour >= 0 || l.RightNeighbour >= 0);
}
