using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Roads;

/// <summary>
/// Strict reading of one driving file: every accessor checks the JSON kind and range and throws a
/// <see cref="DrivingFileException"/> naming the file and the JSON path of the offending value.
/// </summary>
internal sealed class JsonFields(string filePath)
{
    public string FilePath { get; } = filePath;

    public DrivingFileException Error(string location, string problem, Exception? inner = null) => new(FilePath, location, problem, inner);

    public static string Child(string location, string name) => location.Length == 0 ? name : $"{location}.{name}";

    public static string Item(string location, int index) => $"{location}[{index}]";

    public JsonDocument Parse(string text)
    {
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw Error("", $"not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Checks that <paramref name="e"/> is an object with no fields beyond <paramref name="allowed"/>.</summary>
    public JsonElement Object(JsonElement e, string location, params string[] allowed)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Error(location, $"expected an object, got {Kind(e)}");
        foreach (var p in e.EnumerateObject())
            if (System.Array.IndexOf(allowed, p.Name) < 0)
                throw Error(location, $"unknown field '{p.Name}' (expected {string.Join(", ", allowed)})");
        return e;
    }

    public JsonElement Field(JsonElement obj, string location, string name)
    {
        if (!obj.TryGetProperty(name, out var v)) throw Error(location, $"missing field '{name}'");
        return v;
    }

    public JsonElement Array(JsonElement e, string location, int minCount = 0)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Error(location, $"expected an array, got {Kind(e)}");
        int n = e.GetArrayLength();
        if (n < minCount) throw Error(location, $"expected at least {minCount} item(s), got {n}");
        return e;
    }

    public double Number(JsonElement e, string location)
    {
        if (e.ValueKind != JsonValueKind.Number) throw Error(location, $"expected a number, got {Kind(e)}");
        if (!e.TryGetDouble(out double v) || !double.IsFinite(v)) throw Error(location, $"{e.GetRawText()} is not a finite number");
        return v;
    }

    public double Number(JsonElement obj, string location, string name, double min = double.NegativeInfinity, bool positive = false)
    {
        string at = Child(location, name);
        double v = Number(Field(obj, location, name), at);
        if (positive && !(v > 0)) throw Error(at, $"{Format(v)} must be positive");
        if (v < min) throw Error(at, $"{Format(v)} must be at least {Format(min)}");
        return v;
    }

    public int Int(JsonElement e, string location, int min = int.MinValue)
    {
        if (e.ValueKind != JsonValueKind.Number) throw Error(location, $"expected an integer, got {Kind(e)}");
        if (!e.TryGetInt32(out int v)) throw Error(location, $"{e.GetRawText()} is not an integer");
        if (v < min) throw Error(location, $"{v} must be at least {min}");
        return v;
    }

    public int Int(JsonElement obj, string location, string name, int min = int.MinValue) => Int(Field(obj, location, name), Child(location, name), min);

    public ulong UInt64(JsonElement obj, string location, string name)
    {
        var e = Field(obj, location, name);
        string at = Child(location, name);
        if (e.ValueKind != JsonValueKind.Number) throw Error(at, $"expected an integer, got {Kind(e)}");
        if (!e.TryGetUInt64(out ulong v)) throw Error(at, $"{e.GetRawText()} is not an integer in 0..{ulong.MaxValue}");
        return v;
    }

    public string String(JsonElement obj, string location, string name, bool allowEmpty = false)
    {
        var e = Field(obj, location, name);
        string at = Child(location, name);
        if (e.ValueKind != JsonValueKind.String) throw Error(at, $"expected a string, got {Kind(e)}");
        string s = e.GetString()!;
        if (!allowEmpty && string.IsNullOrWhiteSpace(s)) throw Error(at, "must not be empty");
        return s;
    }

    /// <summary>A point written as [x, y].</summary>
    public Vec2 Point(JsonElement e, string location)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() != 2) throw Error(location, $"expected a point [x, y], got {Kind(e)}");
        return new Vec2(Number(e[0], Item(location, 0)), Number(e[1], Item(location, 1)));
    }

    public Vec2 Point(JsonElement obj, string location, string name) => Point(Field(obj, location, name), Child(location, name));

    public List<Vec2> Points(JsonElement obj, string location, string name, int minCount)
    {
        string at = Child(location, name);
        var arr = Array(Field(obj, location, name), at, minCount);
        var pts = new List<Vec2>(arr.GetArrayLength());
        int i = 0;
        foreach (var p in arr.EnumerateArray())
        {
            // Fast path without building location strings; Point() names the place when something is wrong.
            if (p.ValueKind == JsonValueKind.Array && p.GetArrayLength() == 2 && p[0].ValueKind == JsonValueKind.Number && p[1].ValueKind == JsonValueKind.Number
                && p[0].TryGetDouble(out double x) && p[1].TryGetDouble(out double y) && double.IsFinite(x) && double.IsFinite(y))
                pts.Add(new Vec2(x, y));
            else pts.Add(Point(p, Item(at, i)));
            i++;
        }
        return pts;
    }

    public List<int> Ints(JsonElement obj, string location, string name, int minCount = 0)
    {
        string at = Child(location, name);
        var arr = Array(Field(obj, location, name), at, minCount);
        var list = new List<int>(arr.GetArrayLength());
        int i = 0;
        foreach (var v in arr.EnumerateArray())
        {
            list.Add(v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : Int(v, Item(at, i)));
            i++;
        }
        return list;
    }

    public T Enum<T>(JsonElement obj, string location, string name, IReadOnlyList<(string Name, T Value)> names)
    {
        string s = String(obj, location, name);
        foreach (var (n, v) in names)
            if (n == s) return v;
        throw Error(Child(location, name), $"'{s}' is not one of {string.Join(", ", names.Select(n => n.Name))}");
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Compact, stable JSON text: numbers rounded to 1 mm, one list item per line.</summary>
internal static class JsonText
{
    public static string Num(double v) => RoadGeometry.Round(v).ToString("R", CultureInfo.InvariantCulture);

    // Relaxed escaping: these files are never embedded in HTML, and descriptions read better with plain apostrophes.
    public static string Str(string s) => $"\"{JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";

    public static string Point(Vec2 p) => $"[{Num(p.X)}, {Num(p.Y)}]";

    public static string Points(IEnumerable<Vec2> pts) => $"[{string.Join(", ", pts.Select(Point))}]";

    public static string Ints(IEnumerable<int> values) => $"[{string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]";

    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A top-level array field, one item per line, indented two spaces inside the root object.</summary>
    public static void List(System.Text.StringBuilder sb, string name, IReadOnlyList<string> items, bool last)
    {
        sb.Append("  ").Append(Str(name)).Append(": [");
        if (items.Count == 0) sb.Append(']');
        else
        {
            sb.Append('\n');
            for (int i = 0; i < items.Count; i++) sb.Append("    ").Append(items[i]).Append(i + 1 < items.Count ? ",\n" : "\n");
            sb.Append("  ]");
        }
        sb.Append(last ? "\n" : ",\n");
    }
}
