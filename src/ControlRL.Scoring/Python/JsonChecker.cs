namespace ControlRL.Scoring.Python;

/// <summary>
/// Typed access to a parsed JSON document that fails with a <see cref="ScoringFormatException"/> naming the file,
/// the JSON path and what was expected.
/// </summary>
internal sealed class JsonChecker(string file)
{
    public string File { get; } = file;

    public ScoringFormatException Fail(string path, string problem) => new(File, path, problem);

    public ScoringFormatException Expected(string path, string what, PyJsonValue got) => Fail(path, $"expected {what}, got {got.Describe()}");

    public static string Member(string path, string key) => path.Length == 0 ? key : path + "." + key;

    public PyJsonObject Object(PyJsonValue v, string path) => v as PyJsonObject ?? throw Expected(path, "an object", v);

    public PyJsonValue Required(PyJsonObject o, string path, string key, string what) =>
        o.TryGet(key, out var v) ? v : throw Fail(Member(path, key), $"missing (expected {what})");

    public PyJsonObject RequiredObject(PyJsonObject o, string path, string key) => Object(Required(o, path, key, "an object"), Member(path, key));

    public List<PyJsonValue> List(PyJsonValue v, string path) => (v as PyJsonArray)?.Items ?? throw Expected(path, "a list", v);

    public List<PyJsonValue> RequiredList(PyJsonObject o, string path, string key, string what = "a list") =>
        List(Required(o, path, key, what), Member(path, key));

    public string String(PyJsonValue v, string path) => (v as PyJsonString)?.Value ?? throw Expected(path, "a string", v);

    public string RequiredString(PyJsonObject o, string path, string key) => String(Required(o, path, key, "a string"), Member(path, key));

    public bool RequiredBool(PyJsonObject o, string path, string key) =>
        (Required(o, path, key, "true or false") as PyJsonBool)?.Value ?? throw Expected(Member(path, key), "true or false", o[key]!);

    public List<string> RequiredStrings(PyJsonObject o, string path, string key)
    {
        var items = RequiredList(o, path, key, "a list of strings");
        return items.Select((v, i) => String(v, $"{Member(path, key)}[{i}]")).ToList();
    }

    /// <summary>A number (int or float) that is finite and at least <paramref name="min"/> when given.</summary>
    public PyNumber Number(PyJsonValue v, string path, double? min = null, double? max = null)
    {
        string what = "a finite number" + (min is { } lo ? max is { } hi ? $" from {lo} to {hi}" : $" >= {lo}" : "");
        if (v is not PyJsonNumber n) throw Expected(path, what, v);
        if (min is { } a && n.Value.Value < a || max is { } b && n.Value.Value > b) throw Expected(path, what, v);
        return n.Value;
    }

    public PyNumber RequiredNumber(PyJsonObject o, string path, string key, double? min = null, double? max = null) =>
        Number(Required(o, path, key, "a number"), Member(path, key), min, max);

    public long Integer(PyJsonValue v, string path, long min = long.MinValue, long max = long.MaxValue)
    {
        string what = "an integer" + (min > long.MinValue ? max < long.MaxValue ? $" from {min} to {max}" : $" >= {min}" : "");
        if (v is not PyJsonNumber { Value.IsInteger: true } n || n.Value.IntegerValue < min || n.Value.IntegerValue > max) throw Expected(path, what, v);
        return n.Value.IntegerValue;
    }

    public long RequiredInteger(PyJsonObject o, string path, string key, long min = long.MinValue, long max = long.MaxValue) =>
        Integer(Required(o, path, key, "an integer"), Member(path, key), min, max);

    /// <summary>Fails on the first key of <paramref name="o"/> not in <paramref name="known"/>.</summary>
    public void OnlyKeys(PyJsonObject o, string path, IReadOnlyCollection<string> known, string what = "key")
    {
        foreach (var m in o.Members)
            if (!known.Contains(m.Key))
                throw Fail(Member(path, m.Key), $"unknown {what} '{m.Key}' (expected one of: {string.Join(", ", known)})");
    }

    /// <summary>Parses <paramref name="text"/>, turning a syntax error into a <see cref="ScoringFormatException"/>.</summary>
    public PyJsonValue Parse(string text)
    {
        try
        {
            return PyJson.Parse(text);
        }
        catch (PyJsonParseException ex)
        {
            throw Fail("", $"not valid JSON ({ex.Message})");
        }
    }
}
