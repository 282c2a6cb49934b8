using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ControlRL.Scoring.Python;

/// <summary>
/// A JSON value as Python's json module sees it: objects keep their key order (a repeated key keeps its first place
/// and its last value, like a dict), numbers keep int versus float (<see cref="PyNumber"/>).
/// </summary>
public abstract class PyJsonValue
{
    /// <summary>What the value is, for error messages: "an object", "the string \"x\"", "the number 3".</summary>
    public abstract string Describe();
}

public sealed class PyJsonObject : PyJsonValue
{
    private readonly List<KeyValuePair<string, PyJsonValue>> _members = [];

    public PyJsonObject() { }

    public PyJsonObject(IEnumerable<KeyValuePair<string, PyJsonValue>> members)
    {
        foreach (var m in members) Set(m.Key, m.Value);
    }

    public IReadOnlyList<KeyValuePair<string, PyJsonValue>> Members => _members;

    public int Count => _members.Count;

    /// <summary>Adds the key at the end, or replaces its value in place (as assigning to a Python dict does).</summary>
    public PyJsonObject Set(string key, PyJsonValue value)
    {
        int i = _members.FindIndex(m => m.Key == key);
        if (i >= 0) _members[i] = new(key, value);
        else _members.Add(new(key, value));
        return this;
    }

    public bool TryGet(string key, out PyJsonValue value)
    {
        foreach (var m in _members)
        {
            if (m.Key == key)
            {
                value = m.Value;
                return true;
            }
        }
        value = null!;
        return false;
    }

    public PyJsonValue? this[string key] => TryGet(key, out var v) ? v : null;

    public override string Describe() => "an object";
}

public sealed class PyJsonArray(IEnumerable<PyJsonValue> items) : PyJsonValue
{
    public PyJsonArray() : this([]) { }

    public List<PyJsonValue> Items { get; } = [.. items];

    public override string Describe() => "a list";
}

public sealed class PyJsonString(string value) : PyJsonValue
{
    public string Value { get; } = value;

    public override string Describe() => "the string " + PyJson.Quote(Value.Length > 40 ? Value[..40] + "..." : Value);
}

public sealed class PyJsonNumber(PyNumber value) : PyJsonValue
{
    public PyNumber Value { get; } = value;

    public override string Describe() => (Value.IsInteger ? "the integer " : "the float ") + Value;
}

public sealed class PyJsonBool(bool value) : PyJsonValue
{
    public bool Value { get; } = value;

    public override string Describe() => Value ? "true" : "false";
}

public sealed class PyJsonNull : PyJsonValue
{
    public static readonly PyJsonNull Instance = new();

    private PyJsonNull() { }

    public override string Describe() => "null";
}

/// <summary>The text was not JSON; <see cref="Line"/> and <see cref="Column"/> are 1-based.</summary>
public sealed class PyJsonParseException(string reason, long line, long column)
    : Exception($"line {line}, column {column}: {reason}")
{
    public string Reason { get; } = reason;
    public long Line { get; } = line;
    public long Column { get; } = column;
}

/// <summary>Reading JSON into <see cref="PyJsonValue"/>s and writing them the way Python's <c>json.dump</c> does.</summary>
public static class PyJson
{
    public static PyJsonValue Parse(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        try
        {
            if (!reader.Read()) throw new PyJsonParseException("the text is empty", 1, 1);
            var value = ReadValue(ref reader, utf8);
            if (reader.Read()) throw Error(utf8, reader.TokenStartIndex, "extra data after the JSON value");
            return value;
        }
        catch (JsonException ex)
        {
            string reason = ex.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut].TrimEnd('.', ' ');
            if (reason.Contains("'N' is an invalid", StringComparison.Ordinal) || reason.Contains("'I' is an invalid", StringComparison.Ordinal))
                reason += " (NaN and Infinity are not numbers JSON allows)";
            throw new PyJsonParseException(reason, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1);
        }
        catch (InvalidOperationException ex)
        {
            // A string with an invalid escape sequence or a lone surrogate.
            throw Error(utf8, reader.TokenStartIndex, ex.Message);
        }
    }

    private static PyJsonValue ReadValue(ref Utf8JsonReader reader, byte[] utf8)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var o = new PyJsonObject();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = reader.GetString()!;
                    reader.Read();
                    o.Set(key, ReadValue(ref reader, utf8));
                }
                return o;
            case JsonTokenType.StartArray:
                var a = new PyJsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) a.Items.Add(ReadValue(ref reader, utf8));
                return a;
            case JsonTokenType.String:
                return new PyJsonString(reader.GetString()!);
            case JsonTokenType.Number:
                string raw = Encoding.UTF8.GetString(reader.ValueSpan);
                if (ParseNumber(raw, out var number) is { } problem) throw Error(utf8, reader.TokenStartIndex, problem);
                return new PyJsonNumber(number);
            case JsonTokenType.True:
                return new PyJsonBool(true);
            case JsonTokenType.False:
                return new PyJsonBool(false);
            default:
                return PyJsonNull.Instance;
        }
    }

    private static PyJsonParseException Error(byte[] utf8, long offset, string reason)
    {
        long line = 1, column = 1;
        for (long i = 0; i < offset && i < utf8.Length; i++)
        {
            if (utf8[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else column++;
        }
        return new PyJsonParseException(reason, line, column);
    }

    /// <summary>A JSON number token: int when it has no fraction and no exponent (as Python's json decides).</summary>
    private static string? ParseNumber(string raw, out PyNumber number)
    {
        number = default;
        if (raw.IndexOfAny(['.', 'e', 'E']) < 0)
        {
            if (!long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i))
                return $"the integer {raw} is too large (64-bit integers only)";
            number = PyNumber.Int(i);
            return null;
        }
        double d = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (!double.IsFinite(d)) return $"the number {raw} is out of the range of a double";
        number = PyNumber.Float(d);
        return null;
    }

    /// <summary>
    /// Python's <c>json.dumps(value, indent=indent)</c>: items separated by "," and a line break, "key": value, empty
    /// containers as <c>[]</c> and <c>{}</c>, floats as <see cref="PyMath.Repr"/>, non-ASCII escaped (ensure_ascii);
    /// no line break at the end.
    /// </summary>
    public static string Serialize(PyJsonValue value, int indent = 4)
    {
        var sb = new StringBuilder();
        Write(sb, value, indent, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, PyJsonValue value, int indent, int level)
    {
        switch (value)
        {
            case PyJsonObject o when o.Count == 0:
                sb.Append("{}");
                break;
            case PyJsonObject o:
                sb.Append("{\n");
                for (int i = 0; i < o.Members.Count; i++)
                {
                    sb.Append(' ', indent * (level + 1)).Append(Quote(o.Members[i].Key)).Append(": ");
                    Write(sb, o.Members[i].Value, indent, level + 1);
                    sb.Append(i + 1 < o.Members.Count ? ",\n" : "\n");
                }
                sb.Append(' ', indent * level).Append('}');
                break;
            case PyJsonArray a when a.Items.Count == 0:
                sb.Append("[]");
                break;
            case PyJsonArray a:
                sb.Append("[\n");
                for (int i = 0; i < a.Items.Count; i++)
                {
                    sb.Append(' ', indent * (level + 1));
                    Write(sb, a.Items[i], indent, level + 1);
                    sb.Append(i + 1 < a.Items.Count ? ",\n" : "\n");
                }
                sb.Append(' ', indent * level).Append(']');
                break;
            case PyJsonString s:
                sb.Append(Quote(s.Value));
                break;
            case PyJsonNumber n:
                sb.Append(n.Value.ToString());
                break;
            case PyJsonBool b:
                sb.Append(b.Value ? "true" : "false");
                break;
            default:
                sb.Append("null");
                break;
        }
    }

    /// <summary>A JSON string literal with Python's ensure_ascii escapes (\uXXXX in lower-case hex).</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < ' ' || c > '~') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Structural equality with number kinds: 0 and 0.0 differ, key order does not matter.</summary>
    public static bool DeepEquals(PyJsonValue a, PyJsonValue b) => Difference(a, b, "") is null;

    /// <summary>The first place where <paramref name="a"/> and <paramref name="b"/> differ ("" is the root), or null.</summary>
    public static string? Difference(PyJsonValue a, PyJsonValue b, string path)
    {
        switch (a, b)
        {
            case (PyJsonObject x, PyJsonObject y):
                foreach (var m in x.Members)
                {
                    string p = path.Length == 0 ? m.Key : path + "." + m.Key;
                    if (!y.TryGet(m.Key, out var other)) return p;
                    if (Difference(m.Value, other, p) is { } d) return d;
                }
                foreach (var m in y.Members)
                    if (!x.TryGet(m.Key, out _)) return path.Length == 0 ? m.Key : path + "." + m.Key;
                return null;
            case (PyJsonArray x, PyJsonArray y):
                if (x.Items.Count != y.Items.Count) return path;
                for (int i = 0; i < x.Items.Count; i++)
                    if (Difference(x.Items[i], y.Items[i], $"{path}[{i}]") is { } d) return d;
                return null;
            case (PyJsonString x, PyJsonString y):
                return x.Value == y.Value ? null : path;
            case (PyJsonNumber x, PyJsonNumber y):
                return x.Value.Equals(y.Value) ? null : path;
            case (PyJsonBool x, PyJsonBool y):
                return x.Value == y.Value ? null : path;
            case (PyJsonNull, PyJsonNull):
                return null;
            default:
                return path;
        }
    }
}
