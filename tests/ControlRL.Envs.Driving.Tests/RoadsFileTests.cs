using System.Text.Json.Nodes;
using ControlRL.Envs.Driving.Roads;
using static ControlRL.Envs.Driving.Tests.RoadsFixtures;

namespace ControlRL.Envs.Driving.Tests;

public class RoadsFileTests
{
    private const string TownPath = "towns/Small.json";

    [Fact]
    public void TownWritesReadsAndWritesBackIdentically()
    {
        var doc = TownFile.Parse(SmallTownJson, TownPath);
        Assert.Equal(SmallTownJson, TownFile.Serialize(doc.Town, doc.Provenance));
        Assert.Equal(new TownProvenance(7, SmallOptions), doc.Provenance);
        var a = SmallTown;
        var b = doc.Town;
        Assert.Equal(a.Lanes.Count, b.Lanes.Count);
        for (int i = 0; i < a.Lanes.Count; i++)
        {
            Assert.Equal(a.Lanes[i].Centre.Points.ToArray(), b.Lanes[i].Centre.Points.ToArray());
            Assert.Equal(a.Lanes[i].Successors, b.Lanes[i].Successors);
            Assert.Equal(a.Lanes[i].SpeedLimit, b.Lanes[i].SpeedLimit);
            Assert.Equal(a.Lanes[i].Turn, b.Lanes[i].Turn);
            Assert.Equal(a.Lanes[i].SignalId, b.Lanes[i].SignalId);
        }
        Assert.Equal(a.Junctions.Select(j => (j.Control, j.PhaseGroups, j.Timing)), b.Junctions.Select(j => (j.Control, j.PhaseGroups, j.Timing)));
        Assert.Equal(a.Signals.Select(s => (s.Kind, s.StopLineA, s.StopLineB, s.PhaseGroup)), b.Signals.Select(s => (s.Kind, s.StopLineA, s.StopLineB, s.PhaseGroup)));
        Assert.Equal(a.SpeedSigns, b.SpeedSigns);
        Assert.Equal(a.Crosswalks, b.Crosswalks);
        Assert.Equal(a.ShoulderWidth, b.ShoulderWidth);
    }

    [Fact]
    public void TownFileIsSmallAndOneItemPerLine()
    {
        var lines = SmallTownJson.Split('\n');
        Assert.Equal("  \"format\": \"controlrl-town\",", lines[1]);
        Assert.Equal("  \"version\": 1,", lines[2]);
        Assert.Equal(SmallTown.Lanes.Count, lines.Count(l => l.StartsWith("    {\"id\": ", StringComparison.Ordinal) && l.Contains("\"points\"")));
        Assert.True(SmallTownJson.Length < 300_000);
        // Coordinates carry at most three decimals.
        Assert.DoesNotMatch(@"\d\.\d{4}", SmallTownJson);
    }

    [Fact]
    public void SavedTownLoadsFromDiskAndAMissingFileIsNamed()
    {
        using var dir = Temp();
        string path = dir.File("towns/Small.json");
        TownFile.Save(path, SmallTown, new TownProvenance(7, SmallOptions));
        Assert.Equal(SmallTownJson, File.ReadAllText(path));
        Assert.Equal(SmallTown.Lanes.Count, TownFile.Load(path).Lanes.Count);
        var e = Assert.Throws<DrivingFileException>(() => TownFile.Load(dir.File("towns/Nope.json")));
        Assert.StartsWith(dir.File("towns/Nope.json") + ": cannot read the town file", e.Message);
    }

    /// <summary>A lane with at least two successors, a connector, a traffic light signal (indices into the small town).</summary>
    private static int Forking => SmallTown.Lanes.First(l => l.Successors.Length >= 2).Id;

    private static int Connector => SmallTown.Lanes.First(l => l.InJunction).Id;

    [Theory]
    [InlineData("not_json", "", "not valid JSON")]
    [InlineData("not_object", "", "expected an object, got an array")]
    [InlineData("wrong_format", "format", "expected \"controlrl-town\", got \"controlrl-suite\"")]
    [InlineData("wrong_version", "version", "unsupported version 2 (this build reads version 1)")]
    [InlineData("missing_field", "lanes[0]", "missing field 'width'")]
    [InlineData("wrong_type", "lanes[3].speed_limit", "expected a number, got a string")]
    [InlineData("non_finite", "shoulder_width", "1e999 is not a finite number")]
    [InlineData("negative_width", "lanes[1].width", "-3.5 must be positive")]
    [InlineData("missing_lane", "lanes[{fork}].successors[1]", "lane 999 does not exist")]
    [InlineData("missing_neighbour", "lanes[0].left", "lane 4242 does not exist")]
    [InlineData("missing_junction", "lanes[{conn}].junction", "junction 500 does not exist")]
    [InlineData("missing_signal", "lanes[0].signal", "signal 777 does not exist")]
    [InlineData("signal_lane", "signals[0].lanes[0]", "lane -5 does not exist")]
    [InlineData("signal_junction", "signals[0].junction", "junction -1 does not exist")]
    [InlineData("short_polyline", "lanes[0].points", "expected at least 2 item(s), got 1")]
    [InlineData("coincident_points", "lanes[0].points", "at least two distinct points")]
    [InlineData("bad_point", "lanes[0].points[1]", "expected a point [x, y]")]
    [InlineData("unknown_field", "lanes[0]", "unknown field 'colour'")]
    [InlineData("id_mismatch", "lanes[2].id", "expected 2, got 5")]
    [InlineData("bad_enum", "junctions[0].control", "'roundabout' is not one of traffic_lights, all_way_stop, minor_stop")]
    [InlineData("short_polygon", "junctions[0].polygon", "expected at least 3 item(s), got 2")]
    [InlineData("bad_options", "generator.options", "unknown field 'colums'")]
    [InlineData("bad_seed", "generator.seed", "-1 is not an integer")]
    [InlineData("sign_beyond_lane", "speed_signs[0].s", "lies beyond the end of lane")]
    [InlineData("dead_end", "lanes[0]", "lane 0 has no successor (a dead end)")]
    [InlineData("gap", "lanes[{pred0}].successors[{pred0k}]", "lane 0 starts 1 m from the end of lane {pred0}")]
    public void MalformedTownFilesFailWithTheirPlace(string kind, string location, string message)
    {
        var town = SmallTown;
        int fork = Forking, conn = Connector;
        int pred0 = town.Lanes[0].Predecessors.Min();
        int pred0k = Array.IndexOf(town.Lanes[pred0].Successors, 0);
        string Fill(string s) => s.Replace("{fork}", $"{fork}").Replace("{conn}", $"{conn}").Replace("{pred0k}", $"{pred0k}").Replace("{pred0}", $"{pred0}");
        location = Fill(location);
        message = Fill(message);

        string text = SmallTownJson;
        var root = JsonNode.Parse(text)!.AsObject();
        var lanes = root["lanes"]!.AsArray();
        switch (kind)
        {
            case "not_json": text = "{ \"format\": \"controlrl-town\", lanes: ["; break;
            case "not_object": text = "[]"; break;
            case "wrong_format": root["format"] = "controlrl-suite"; break;
            case "wrong_version": root["version"] = 2; break;
            case "missing_field": lanes[0]!.AsObject().Remove("width"); break;
            case "wrong_type": lanes[3]!["speed_limit"] = "fast"; break;
            case "non_finite": text = text.Replace("\"shoulder_width\": 1.5", "\"shoulder_width\": 1e999"); break;
            case "negative_width": lanes[1]!["width"] = -3.5; break;
            case "missing_lane": lanes[fork]!["successors"]![1] = 999; break;
            case "missing_neighbour": lanes[0]!["left"] = 4242; break;
            case "missing_junction": lanes[conn]!["junction"] = 500; break;
            case "missing_signal": lanes[0]!["signal"] = 777; break;
            case "signal_lane": root["signals"]![0]!["lanes"]![0] = -5; break;
            case "signal_junction": root["signals"]![0]!["junction"] = -1; break;
            case "short_polyline": lanes[0]!["points"] = new JsonArray(new JsonArray(0, 0)); break;
            case "coincident_points": lanes[0]!["points"] = new JsonArray(new JsonArray(1, 1), new JsonArray(1, 1)); break;
            case "bad_point": lanes[0]!["points"]![1] = new JsonArray(1, 2, 3); break;
            case "unknown_field": lanes[0]!["colour"] = "red"; break;
            case "id_mismatch": lanes[2]!["id"] = 5; break;
            case "bad_enum": root["junctions"]![0]!["control"] = "roundabout"; break;
            case "short_polygon": root["junctions"]![0]!["polygon"] = new JsonArray(new JsonArray(0, 0), new JsonArray(1, 0)); break;
            case "bad_options": root["generator"]!["options"]!["colums"] = 5; break;
            case "bad_seed": root["generator"]!["seed"] = -1; break;
            case "sign_beyond_lane": root["speed_signs"]![0]!["s"] = 1e6; break;
            case "dead_end": lanes[0]!["successors"] = new JsonArray(); break;
            case "gap":
                // One metre east at the lane's start: the connectors ending there no longer meet it.
                lanes[0]!["points"]![0]![0] = town.Lanes[0].Centre.Start.X + 1;
                break;
            default: throw new ArgumentException(kind);
        }
        if (kind is not ("not_json" or "not_object" or "non_finite")) text = root.ToJsonString();
        var e = Assert.Throws<DrivingFileException>(() => TownFile.Parse(text, TownPath));
        Assert.Equal(TownPath, e.FilePath);
        Assert.Equal(location, e.Location);
        Assert.Contains(message, e.Problem);
        Assert.StartsWith(location.Length == 0 ? $"{TownPath}: " : $"{TownPath}: {location}: ", e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    /// <summary>Writes the small town and a one-route suite over it into a temporary folder.</summary>
    private static (RoadsFixtures.TempFolder Dir, string SuitePath, SuiteDefinition Definition) SmallSuite()
    {
        var dir = Temp();
        TownFile.Save(dir.File("towns/Small.json"), SmallTown, new TownProvenance(7, SmallOptions));
        var sampler = new RouteSampler(SmallTown, new RouteSamplerOptions { MinLength = 300, MaxLength = 800 });
        var routes = new List<SuiteRouteDefinition>();
        for (int k = 0; k < 2; k++)
        {
            var r = sampler.Sample((ulong)k);
            routes.Add(new SuiteRouteDefinition($"route_{k:00}", "../towns/Small.json", r.Lanes, new LanePoint(r.Start.Lane, Math.Round(r.Start.S, 3)),
                new LanePoint(r.Goal.Lane, Math.Round(r.Goal.S, 3)), Math.Round(r.Length, 3), new RouteConditions(10, 5.5, 4, 1, 2, 99 + (ulong)k)));
        }
        var def = new SuiteDefinition("small", 3, "two routes", SuiteSplit.Training, routes);
        string path = dir.File("suites/small.json");
        DrivingSuite.Save(path, def);
        return (dir, path, def);
    }

    [Fact]
    public void SuiteLoadsItsTownOnceAndRebuildsEveryRoute()
    {
        var (dir, path, def) = SmallSuite();
        using var _ = dir;
        var suite = DrivingSuite.Load(path);
        Assert.Equal("small", suite.Name);
        Assert.Equal(3, suite.Revision);
        Assert.Equal(SuiteSplit.Training, suite.Split);
        Assert.Equal(2, suite.Routes.Count);
        var town = Assert.Single(suite.Towns).Value;
        Assert.Same(town, suite.Routes[0].Network);
        Assert.Same(town, suite.Routes[1].Network);
        var r = suite["route_01"];
        Assert.Equal(new RouteConditions(10, 5.5, 4, 1, 2, 100), r.Conditions);
        Assert.Equal(def.Routes[1].Lanes, r.Route.Lanes);
        Assert.Equal(def.Routes[1].LengthM, r.Route.Length, 1);
        var (goal, _) = town.Pose(r.Goal);
        Assert.Equal(goal, r.Route.Path.End);
        Assert.Equal(File.ReadAllText(path), DrivingSuite.Serialize(suite.ToDefinition()));
        Assert.Throws<KeyNotFoundException>(() => suite["route_99"]);
    }

    [Theory]
    [InlineData("wrong_format", "format", "expected \"controlrl-suite\", got \"controlrl-town\"")]
    [InlineData("bad_split", "split", "'testing' is not one of training, evaluation")]
    [InlineData("no_routes", "routes", "expected at least 1 item(s), got 0")]
    [InlineData("missing_town", "routes[0].town", "town file '../towns/Nowhere.json' not found")]
    [InlineData("duplicate_id", "routes[1].id", "route id 'route_00' is used twice")]
    [InlineData("broken_lanes", "routes[0].lanes[1]", "neither continues lane")]
    [InlineData("start_off_lane", "routes[0].start.s", "is outside lane")]
    [InlineData("start_not_first", "routes[0].start.lane", "but the route's first lane is")]
    [InlineData("length_mismatch", "routes[0].length_m", "more than 1 m apart")]
    [InlineData("negative_density", "routes[0].conditions.vehicles_per_km", "-1 must be at least 0")]
    [InlineData("fractional_obstacles", "routes[0].conditions.obstacles", "1.5 is not an integer")]
    [InlineData("missing_condition", "routes[0].conditions", "missing field 'jaywalkers'")]
    [InlineData("bad_seed", "routes[0].conditions.seed", "expected an integer, got a string")]
    [InlineData("unknown_condition", "routes[0].conditions", "unknown field 'weather'")]
    public void MalformedSuiteFilesFailWithTheirPlace(string kind, string location, string message)
    {
        var (dir, path, _) = SmallSuite();
        using var _d = dir;
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var route = root["routes"]![0]!.AsObject();
        switch (kind)
        {
            case "wrong_format": root["format"] = "controlrl-town"; break;
            case "bad_split": root["split"] = "testing"; break;
            case "no_routes": root["routes"] = new JsonArray(); break;
            case "missing_town": route["town"] = "../towns/Nowhere.json"; break;
            case "duplicate_id": root["routes"]![1]!["id"] = "route_00"; break;
            case "broken_lanes": route["lanes"]![1] = route["lanes"]![0]!.GetValue<int>(); break;
            case "start_off_lane": route["start"]!["s"] = 1e5; break;
            case "start_not_first": route["start"]!["lane"] = route["lanes"]![1]!.GetValue<int>(); break;
            case "length_mismatch": route["length_m"] = route["length_m"]!.GetValue<double>() + 5; break;
            case "negative_density": route["conditions"]!["vehicles_per_km"] = -1; break;
            case "fractional_obstacles": route["conditions"]!["obstacles"] = 1.5; break;
            case "missing_condition": route["conditions"]!.AsObject().Remove("jaywalkers"); break;
            case "bad_seed": route["conditions"]!["seed"] = "42"; break;
            case "unknown_condition": route["conditions"]!["weather"] = "rain"; break;
            default: throw new ArgumentException(kind);
        }
        File.WriteAllText(path, root.ToJsonString());
        var e = Assert.Throws<DrivingFileException>(() => DrivingSuite.Load(path));
        Assert.Equal(path, e.FilePath);
        Assert.Equal(location, e.Location);
        Assert.Contains(message, e.Problem);
    }

    [Fact]
    public void BrokenTownBehindASuiteNamesTheTownFile()
    {
        var (dir, path, _) = SmallSuite();
        using var _d = dir;
        File.WriteAllText(dir.File("towns/Small.json"), SmallTownJson.Replace("\"version\": 1", "\"version\": 7"));
        var e = Assert.Throws<DrivingFileException>(() => DrivingSuite.Load(path));
        Assert.Equal(Path.GetFullPath(dir.File("towns/Small.json")), e.FilePath);
        Assert.Equal("version", e.Location);
    }
}
