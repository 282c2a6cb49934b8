using System.Text;
using System.Text.Json;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>Whether a suite's routes are for training or held out for evaluation.</summary>
public enum SuiteSplit
{
    Training,
    Evaluation,
}

/// <summary>
/// Traffic around one route, as the simulation reads it: moving vehicles per km of lane near the ego, pedestrians
/// per km of road (sidewalks and crosswalks), parked cars per km of kerb, the number of lane-blocking obstacle
/// scenarios on multi-lane parts of the route, the number of pedestrians that cross in front of the ego mid-block,
/// and the traffic seed.
/// </summary>
public sealed record RouteConditions(double VehiclesPerKm, double PedestriansPerKm, double ParkedPerKm, int Obstacles, int Jaywalkers, ulong Seed);

/// <summary>What a suite file stores for one route (the path is rebuilt from the lanes when loading).</summary>
public sealed record SuiteRouteDefinition(string Id, string Town, IReadOnlyList<int> Lanes, LanePoint Start, LanePoint Goal, double LengthM, RouteConditions Conditions);

/// <summary>What a suite file stores.</summary>
public sealed record SuiteDefinition(string Name, int Revision, string Description, SuiteSplit Split, IReadOnlyList<SuiteRouteDefinition> Routes);

/// <summary>One loaded route of a suite: the stored fields, the rebuilt <see cref="Roads.Route"/> and its town.</summary>
public sealed record SuiteRoute(string Id, string Town, LanePoint Start, LanePoint Goal, double LengthM, RouteConditions Conditions, Route Route)
{
    public RoadNetwork Network => Route.Town;
}

/// <summary>
/// A benchmark suite: named routes in towns with their traffic conditions, read from a
/// <c>"format": "controlrl-suite", "version": 1</c> file (docs/driving-format.md). Loading reads each town file once
/// (town paths are relative to the suite file's folder), rebuilds every route's path with
/// <see cref="RoutePlanner.Follow"/> over the stored lanes, start and goal, and checks the stored length against it.
/// </summary>
public sealed class DrivingSuite
{
    public const string Format = "controlrl-suite";
    public const int Version = 1;

    /// <summary>Largest difference between a route's stored length and its rebuilt path, metres.</summary>
    public const double LengthTolerance = 1.0;

    internal static readonly (string, SuiteSplit)[] SplitNames = [("training", SuiteSplit.Training), ("evaluation", SuiteSplit.Evaluation)];

    private DrivingSuite(string filePath, string name, int revision, string description, SuiteSplit split, IReadOnlyList<SuiteRoute> routes, IReadOnlyDictionary<string, RoadNetwork> towns)
    {
        FilePath = filePath;
        Name = name;
        Revision = revision;
        Description = description;
        Split = split;
        Routes = routes;
        Towns = towns;
    }

    public string FilePath { get; }
    public string Name { get; }

    /// <summary>Bumped whenever the routes or conditions change, so results can cite name and revision.</summary>
    public int Revision { get; }

    public string Description { get; }
    public SuiteSplit Split { get; }
    public IReadOnlyList<SuiteRoute> Routes { get; }

    /// <summary>The towns the routes use, keyed by the town reference as written in the file.</summary>
    public IReadOnlyDictionary<string, RoadNetwork> Towns { get; }

    public SuiteRoute this[string id] => Routes.FirstOrDefault(r => r.Id == id)
        ?? throw new KeyNotFoundException($"suite '{Name}' has no route '{id}' (routes: {string.Join(", ", Routes.Select(r => r.Id))}).");

    /// <summary>The stored fields, as <see cref="Serialize"/> writes them (a loaded suite writes back to the same text).</summary>
    public SuiteDefinition ToDefinition() => new(Name, Revision, Description, Split,
        [.. Routes.Select(r => new SuiteRouteDefinition(r.Id, r.Town, r.Route.Lanes, r.Start, r.Goal, r.LengthM, r.Conditions))]);

    public static void Save(string path, SuiteDefinition suite)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Serialize(suite), new UTF8Encoding(false));
    }

    public static string Serialize(SuiteDefinition suite)
    {
        ArgumentNullException.ThrowIfNull(suite);
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append($"  \"format\": {JsonText.Str(Format)},\n  \"version\": {Version},\n  \"name\": {JsonText.Str(suite.Name)},\n  \"revision\": {suite.Revision},\n");
        sb.Append($"  \"description\": {JsonText.Str(suite.Description)},\n  \"split\": \"{SplitNames.First(s => s.Item2 == suite.Split).Item1}\",\n");
        JsonText.List(sb, "routes", [.. suite.Routes.Select(r =>
        {
            var c = r.Conditions;
            return $"{{\"id\": {JsonText.Str(r.Id)}, \"town\": {JsonText.Str(r.Town)}, " +
                $"\"start\": {{\"lane\": {r.Start.Lane}, \"s\": {JsonText.Num(r.Start.S)}}}, \"goal\": {{\"lane\": {r.Goal.Lane}, \"s\": {JsonText.Num(r.Goal.S)}}}, " +
                $"\"length_m\": {JsonText.Num(r.LengthM)}, \"conditions\": {{\"vehicles_per_km\": {JsonText.Num(c.VehiclesPerKm)}, \"pedestrians_per_km\": {JsonText.Num(c.PedestriansPerKm)}, " +
                $"\"parked_per_km\": {JsonText.Num(c.ParkedPerKm)}, \"obstacles\": {c.Obstacles}, \"jaywalkers\": {c.Jaywalkers}, \"seed\": {c.Seed}}}, " +
                $"\"lanes\": {JsonText.Ints(r.Lanes)}}}";
        })], last: true);
        sb.Append("}\n");
        return sb.ToString();
    }

    /// <summary>
    /// Reads a suite file, its towns and routes; throws <see cref="DrivingFileException"/> naming the place of any
    /// problem. <paramref name="loadTown"/> reads a town from its full path (default <see cref="TownFile.Load"/>; a
    /// cache can pass its own so suites share town instances).
    /// </summary>
    public static DrivingSuite Load(string path, Func<string, RoadNetwork>? loadTown = null)
    {
        loadTown ??= TownFile.Load;
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DrivingFileException(path, "", $"cannot read the suite file ({e.Message})", e);
        }
        var f = new JsonFields(path);
        using var doc = f.Parse(text);
        var root = f.Object(doc.RootElement, "", "format", "version", "name", "revision", "description", "split", "routes");
        TownFile.CheckHeader(f, root, Format, Version);
        string name = f.String(root, "", "name");
        int revision = f.Int(root, "", "revision", min: 1);
        string description = f.String(root, "", "description", allowEmpty: true);
        var split = f.Enum(root, "", "split", SplitNames);
        var routesJson = f.Array(f.Field(root, "", "routes"), "routes", 1);

        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var townsByFile = new Dictionary<string, RoadNetwork>(StringComparer.Ordinal);
        var towns = new Dictionary<string, RoadNetwork>(StringComparer.Ordinal);
        var planners = new Dictionary<RoadNetwork, RoutePlanner>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var routes = new List<SuiteRoute>();
        int i = 0;
        foreach (var e in routesJson.EnumerateArray())
        {
            string at = JsonFields.Item("routes", i++);
            f.Object(e, at, "id", "town", "start", "goal", "length_m", "conditions", "lanes");
            string id = f.String(e, at, "id");
            if (!ids.Add(id)) throw f.Error(JsonFields.Child(at, "id"), $"route id '{id}' is used twice");
            string townRef = f.String(e, at, "town");
            if (!towns.TryGetValue(townRef, out var town))
            {
                string full = Path.GetFullPath(Path.Combine(folder, townRef));
                if (!townsByFile.TryGetValue(full, out town))
                {
                    if (!File.Exists(full)) throw f.Error(JsonFields.Child(at, "town"), $"town file '{townRef}' not found (looked for {full})");
                    townsByFile[full] = town = loadTown(full);
                }
                towns[townRef] = town;
            }
            var start = Point(f, e, at, "start");
            var goal = Point(f, e, at, "goal");
            double length = f.Number(e, at, "length_m", min: 0);
            var conditions = Conditions(f, e, at);
            var lanes = f.Ints(e, at, "lanes", 1);

            if (!planners.TryGetValue(town, out var planner)) planners[town] = planner = new RoutePlanner(town);
            string? problem = planner.TryFollow(lanes, start, goal, out var routePath, out string where);
            if (problem is not null) throw f.Error(JsonFields.Child(at, where), $"{problem} (town '{town.Name}')");
            if (Math.Abs(routePath!.Length - length) > LengthTolerance)
                throw f.Error(JsonFields.Child(at, "length_m"), $"stored {JsonFields.Format(length)} m, but the path along the lanes is {routePath.Length:0.###} m (more than {LengthTolerance} m apart)");
            routes.Add(new SuiteRoute(id, townRef, start, goal, length, conditions, new Route(id, town, lanes, routePath)));
        }
        return new DrivingSuite(path, name, revision, description, split, routes, towns);
    }

    private static LanePoint Point(JsonFields f, JsonElement route, string at, string name)
    {
        string pAt = JsonFields.Child(at, name);
        var p = f.Object(f.Field(route, at, name), pAt, "lane", "s");
        return new LanePoint(f.Int(p, pAt, "lane", min: 0), f.Number(p, pAt, "s", min: 0));
    }

    private static RouteConditions Conditions(JsonFields f, JsonElement route, string routeAt)
    {
        string at = JsonFields.Child(routeAt, "conditions");
        var c = f.Object(f.Field(route, routeAt, "conditions"), at, "vehicles_per_km", "pedestrians_per_km", "parked_per_km", "obstacles", "jaywalkers", "seed");
        return new RouteConditions(
            f.Number(c, at, "vehicles_per_km", min: 0),
            f.Number(c, at, "pedestrians_per_km", min: 0),
            f.Number(c, at, "parked_per_km", min: 0),
            f.Int(c, at, "obstacles", min: 0),
            f.Int(c, at, "jaywalkers", min: 0),
            f.UInt64(c, at, "seed"));
    }
}
