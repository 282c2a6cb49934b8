using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>Where a generated town came from (informational; written into its file so it can be regenerated).</summary>
public sealed record TownProvenance(ulong Seed, TownOptions Options);

/// <summary>A town file's contents: the network and, for generated towns, its provenance.</summary>
public sealed record TownDocument(RoadNetwork Town, TownProvenance? Provenance);

/// <summary>
/// The town file format, <c>"format": "controlrl-town", "version": 1</c> (docs/driving-format.md). The writer is
/// stable (same network, same bytes) with coordinates rounded to 1 mm and one item per line; the reader checks
/// every field, reference and geometric rule and throws <see cref="DrivingFileException"/> naming the place.
/// </summary>
public static class TownFile
{
    public const string Format = "controlrl-town";
    public const int Version = 1;

    internal static readonly (string, Turn)[] TurnNames = [("straight", Turn.Straight), ("left", Turn.Left), ("right", Turn.Right)];
    internal static readonly (string, LaneMark)[] MarkNames = [("none", LaneMark.None), ("dashed", LaneMark.Dashed), ("solid", LaneMark.Solid), ("edge", LaneMark.Edge)];
    internal static readonly (string, JunctionControl)[] ControlNames =
        [("traffic_lights", JunctionControl.TrafficLights), ("all_way_stop", JunctionControl.AllWayStop), ("minor_stop", JunctionControl.MinorStop)];
    internal static readonly (string, SignalKind)[] SignalNames = [("traffic_light", SignalKind.TrafficLight), ("stop_sign", SignalKind.StopSign)];

    private static string Name<T>((string, T)[] names, T value) where T : struct, Enum => names.First(n => n.Item2.Equals(value)).Item1;

    public static void Save(string path, RoadNetwork town, TownProvenance? provenance = null)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Serialize(town, provenance), new UTF8Encoding(false));
    }

    public static string Serialize(RoadNetwork town, TownProvenance? provenance = null)
    {
        ArgumentNullException.ThrowIfNull(town);
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append($"  \"format\": {JsonText.Str(Format)},\n  \"version\": {Version},\n  \"name\": {JsonText.Str(town.Name)},\n");
        sb.Append("  \"generator\": ");
        sb.Append(provenance is null ? "null" : $"{{\"seed\": {provenance.Seed}, \"options\": {OptionsText(provenance.Options)}}}");
        sb.Append($",\n  \"shoulder_width\": {JsonText.Num(town.ShoulderWidth)},\n");
        JsonText.List(sb, "lanes", [.. town.Lanes.Select(l =>
            $"{{\"id\": {l.Id}, \"road\": {l.RoadId}, \"junction\": {l.JunctionId}, \"turn\": \"{Name(TurnNames, l.Turn)}\", " +
            $"\"width\": {JsonText.Num(l.Width)}, \"speed_limit\": {JsonText.Num(l.SpeedLimit)}, \"successors\": {JsonText.Ints(l.Successors)}, " +
            $"\"left\": {l.LeftNeighbour}, \"right\": {l.RightNeighbour}, \"opposite\": {l.OppositeNeighbour}, " +
            $"\"left_mark\": \"{Name(MarkNames, l.LeftMark)}\", \"right_mark\": \"{Name(MarkNames, l.RightMark)}\", \"signal\": {l.SignalId}, " +
            $"\"points\": {JsonText.Points(l.Centre.Points.ToArray())}}}")], last: false);
        JsonText.List(sb, "junctions", [.. town.Junctions.Select(j =>
            $"{{\"id\": {j.Id}, \"centre\": {JsonText.Point(j.Centre)}, \"control\": \"{Name(ControlNames, j.Control)}\", \"phase_groups\": {j.PhaseGroups}, " +
            $"\"timing\": {{\"green\": {JsonText.Num(j.Timing.Green)}, \"yellow\": {JsonText.Num(j.Timing.Yellow)}, \"all_red\": {JsonText.Num(j.Timing.AllRed)}, \"offset\": {JsonText.Num(j.Timing.Offset)}}}, " +
            $"\"polygon\": {JsonText.Points(j.Polygon)}}}")], last: false);
        JsonText.List(sb, "signals", [.. town.Signals.Select(s =>
            $"{{\"id\": {s.Id}, \"kind\": \"{Name(SignalNames, s.Kind)}\", \"junction\": {s.JunctionId}, \"phase_group\": {s.PhaseGroup}, " +
            $"\"lanes\": {JsonText.Ints(s.Lanes)}, \"stop_line\": {JsonText.Points([s.StopLineA, s.StopLineB])}}}")], last: false);
        JsonText.List(sb, "speed_signs", [.. town.SpeedSigns.Select(s =>
            $"{{\"lane\": {s.LaneId}, \"s\": {JsonText.Num(s.S)}, \"limit\": {JsonText.Num(s.Limit)}, \"position\": {JsonText.Point(s.Position)}}}")], last: false);
        JsonText.List(sb, "crosswalks", [.. town.Crosswalks.Select(c =>
            $"{{\"id\": {c.Id}, \"junction\": {c.JunctionId}, \"a\": {JsonText.Point(c.A)}, \"b\": {JsonText.Point(c.B)}, \"width\": {JsonText.Num(c.Width)}}}")], last: true);
        sb.Append("}\n");
        return sb.ToString();
    }

    private static string OptionsText(TownOptions options)
    {
        var e = JsonSerializer.SerializeToElement(options, TownOptionsJson.Default.TownOptions);
        return $"{{{string.Join(", ", e.EnumerateObject().Select(p => $"{JsonText.Str(p.Name)}: {p.Value.GetRawText()}"))}}}";
    }

    /// <summary>Reads and checks a town file.</summary>
    public static RoadNetwork Load(string path) => LoadDocument(path).Town;

    public static TownDocument LoadDocument(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DrivingFileException(path, "", $"cannot read the town file ({e.Message})", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses town JSON; <paramref name="filePath"/> only names the file in errors.</summary>
    public static TownDocument Parse(string json, string filePath)
    {
        var f = new JsonFields(filePath);
        using var doc = f.Parse(json);
        var root = f.Object(doc.RootElement, "", "format", "version", "name", "generator", "shoulder_width", "lanes", "junctions", "signals", "speed_signs", "crosswalks");
        CheckHeader(f, root, Format, Version);
        string name = f.String(root, "", "name");
        var provenance = Provenance(f, root);
        double shoulder = f.Number(root, "", "shoulder_width", min: 0);

        var lanesJson = f.Array(f.Field(root, "", "lanes"), "lanes", 1);
        var junctionsJson = f.Array(f.Field(root, "", "junctions"), "junctions");
        var signalsJson = f.Array(f.Field(root, "", "signals"), "signals");
        int laneCount = lanesJson.GetArrayLength(), junctionCount = junctionsJson.GetArrayLength(), signalCount = signalsJson.GetArrayLength();

        int LaneRef(int id, string at, bool allowNone)
        {
            if (allowNone && id == -1) return id;
            if ((uint)id >= (uint)laneCount) throw f.Error(at, $"lane {id} does not exist (lanes 0..{laneCount - 1}{(allowNone ? ", or -1 for none" : "")})");
            return id;
        }
        int Ref(int id, int count, string what, string at, bool allowNone = true)
        {
            if (allowNone && id == -1) return id;
            if ((uint)id >= (uint)count)
                throw f.Error(at, count == 0 ? $"{what} {id} does not exist (the town has no {what}s)" : $"{what} {id} does not exist ({what}s 0..{count - 1}{(allowNone ? ", or -1 for none" : "")})");
            return id;
        }

        var lanes = new Lane[laneCount];
        int i = 0;
        foreach (var e in lanesJson.EnumerateArray())
        {
            string at = JsonFields.Item("lanes", i);
            f.Object(e, at, "id", "road", "junction", "turn", "width", "speed_limit", "successors", "left", "right", "opposite", "left_mark", "right_mark", "signal", "points");
            CheckId(f, e, at, i);
            var succ = f.Ints(e, at, "successors");
            for (int k = 0; k < succ.Count; k++) LaneRef(succ[k], JsonFields.Item(JsonFields.Child(at, "successors"), k), allowNone: false);
            var pts = f.Points(e, at, "points", 2);
            var centre = Polyline(f, pts, JsonFields.Child(at, "points"));
            lanes[i] = new Lane(i, centre, f.Number(e, at, "width", positive: true), f.Number(e, at, "speed_limit", positive: true))
            {
                RoadId = f.Int(e, at, "road", min: -1),
                JunctionId = Ref(f.Int(e, at, "junction"), junctionCount, "junction", JsonFields.Child(at, "junction")),
                Turn = f.Enum(e, at, "turn", TurnNames),
                Successors = [.. succ],
                LeftNeighbour = LaneRef(f.Int(e, at, "left"), JsonFields.Child(at, "left"), allowNone: true),
                RightNeighbour = LaneRef(f.Int(e, at, "right"), JsonFields.Child(at, "right"), allowNone: true),
                OppositeNeighbour = LaneRef(f.Int(e, at, "opposite"), JsonFields.Child(at, "opposite"), allowNone: true),
                LeftMark = f.Enum(e, at, "left_mark", MarkNames),
                RightMark = f.Enum(e, at, "right_mark", MarkNames),
                SignalId = Ref(f.Int(e, at, "signal"), signalCount, "signal", JsonFields.Child(at, "signal")),
            };
            i++;
        }

        var junctions = new Junction[junctionCount];
        i = 0;
        foreach (var e in junctionsJson.EnumerateArray())
        {
            string at = JsonFields.Item("junctions", i);
            f.Object(e, at, "id", "centre", "control", "phase_groups", "timing", "polygon");
            CheckId(f, e, at, i);
            string tAt = JsonFields.Child(at, "timing");
            var t = f.Object(f.Field(e, at, "timing"), tAt, "green", "yellow", "all_red", "offset");
            var control = f.Enum(e, at, "control", ControlNames);
            int groups = f.Int(e, at, "phase_groups", min: 0);
            if (control == JunctionControl.TrafficLights && groups < 1) throw f.Error(JsonFields.Child(at, "phase_groups"), "a traffic-light junction needs at least 1 phase group");
            junctions[i] = new Junction(i, f.Point(e, at, "centre"), f.Points(e, at, "polygon", 3), control)
            {
                PhaseGroups = groups,
                Timing = new SignalTiming(f.Number(t, tAt, "green", positive: true), f.Number(t, tAt, "yellow", min: 0), f.Number(t, tAt, "all_red", min: 0), f.Number(t, tAt, "offset")),
            };
            i++;
        }

        var signals = new TrafficSignal[signalCount];
        i = 0;
        foreach (var e in signalsJson.EnumerateArray())
        {
            string at = JsonFields.Item("signals", i);
            f.Object(e, at, "id", "kind", "junction", "phase_group", "lanes", "stop_line");
            CheckId(f, e, at, i);
            var kind = f.Enum(e, at, "kind", SignalNames);
            int junction = Ref(f.Int(e, at, "junction"), junctionCount, "junction", JsonFields.Child(at, "junction"), allowNone: false);
            int group = f.Int(e, at, "phase_group", min: 0);
            if (kind == SignalKind.TrafficLight && group >= junctions[junction].PhaseGroups)
                throw f.Error(JsonFields.Child(at, "phase_group"), $"phase group {group} does not exist (junction {junction} has {junctions[junction].PhaseGroups})");
            var controlled = f.Ints(e, at, "lanes", 1);
            for (int k = 0; k < controlled.Count; k++) LaneRef(controlled[k], JsonFields.Item(JsonFields.Child(at, "lanes"), k), allowNone: false);
            string lAt = JsonFields.Child(at, "stop_line");
            var line = f.Array(f.Field(e, at, "stop_line"), lAt, 2);
            if (line.GetArrayLength() != 2) throw f.Error(lAt, $"expected 2 points, got {line.GetArrayLength()}");
            signals[i] = new TrafficSignal(i, kind, junction, [.. controlled], f.Point(line[0], JsonFields.Item(lAt, 0)), f.Point(line[1], JsonFields.Item(lAt, 1)), group);
            i++;
        }

        var signs = new List<SpeedSign>();
        i = 0;
        foreach (var e in f.Array(f.Field(root, "", "speed_signs"), "speed_signs").EnumerateArray())
        {
            string at = JsonFields.Item("speed_signs", i++);
            f.Object(e, at, "lane", "s", "limit", "position");
            int lane = LaneRef(f.Int(e, at, "lane"), JsonFields.Child(at, "lane"), allowNone: false);
            double s = f.Number(e, at, "s", min: 0);
            if (s > lanes[lane].Length + 1e-3) throw f.Error(JsonFields.Child(at, "s"), $"{JsonFields.Format(s)} lies beyond the end of lane {lane} ({lanes[lane].Length:0.###} m)");
            signs.Add(new SpeedSign(lane, s, f.Number(e, at, "limit", positive: true), f.Point(e, at, "position")));
        }

        var crosswalks = new List<Crosswalk>();
        i = 0;
        foreach (var e in f.Array(f.Field(root, "", "crosswalks"), "crosswalks").EnumerateArray())
        {
            string at = JsonFields.Item("crosswalks", i);
            f.Object(e, at, "id", "junction", "a", "b", "width");
            CheckId(f, e, at, i);
            crosswalks.Add(new Crosswalk(i, f.Point(e, at, "a"), f.Point(e, at, "b"), f.Number(e, at, "width", positive: true),
                Ref(f.Int(e, at, "junction"), junctionCount, "junction", JsonFields.Child(at, "junction"))));
            i++;
        }

        RoadNetwork town;
        try
        {
            town = new RoadNetwork(name, lanes, junctions, signals, signs, crosswalks, shoulder);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw f.Error("", e.Message, e);
        }
        var problems = TownChecks.Find(town);
        if (problems.Count > 0)
            throw f.Error(problems[0].Location, problems[0].Message + (problems.Count > 1 ? $" (and {problems.Count - 1} more problem(s))" : ""));
        return new TownDocument(town, provenance);
    }

    internal static void CheckHeader(JsonFields f, JsonElement root, string format, int version)
    {
        string got = f.String(root, "", "format");
        if (got != format) throw f.Error("format", $"expected \"{format}\", got \"{got}\"");
        int v = f.Int(root, "", "version");
        if (v != version) throw f.Error("version", $"unsupported version {v} (this build reads version {version})");
    }

    private static void CheckId(JsonFields f, JsonElement e, string at, int index)
    {
        int id = f.Int(e, at, "id");
        if (id != index) throw f.Error(JsonFields.Child(at, "id"), $"expected {index}, got {id} (ids are the positions in the list)");
    }

    private static Polyline Polyline(JsonFields f, List<Vec2> pts, string at)
    {
        for (int k = 1; k < pts.Count; k++)
            if (pts[k].DistanceTo(pts[0]) >= 1e-3) return new Polyline(pts);
        throw f.Error(at, "a polyline needs at least two distinct points (1 mm apart)");
    }

    private static TownProvenance? Provenance(JsonFields f, JsonElement root)
    {
        var g = f.Field(root, "", "generator");
        if (g.ValueKind == JsonValueKind.Null) return null;
        f.Object(g, "generator", "seed", "options");
        ulong seed = f.UInt64(g, "generator", "seed");
        var o = f.Object(f.Field(g, "generator", "options"), "generator.options", [.. TownOptionsJson.FieldNames]);
        TownOptions options;
        try
        {
            options = o.Deserialize(TownOptionsJson.Default.TownOptions)!;
        }
        catch (JsonException e)
        {
            throw f.Error(JsonFields.Child("generator.options", e.Path?.TrimStart('$', '.') ?? ""), $"not valid generator options ({e.Message})", e);
        }
        return new TownProvenance(seed, options);
    }
}

/// <summary>Source-generated JSON for <see cref="TownOptions"/> (snake_case fields; no reflection, so trimmed apps work too).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(TownOptions))]
internal sealed partial class TownOptionsJson : JsonSerializerContext
{
    /// <summary>The field names the options object may have.</summary>
    public static IEnumerable<string> FieldNames => Default.TownOptions.Properties.Select(p => p.Name);
}
