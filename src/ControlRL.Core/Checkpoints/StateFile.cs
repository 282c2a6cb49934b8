using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ControlRL.Core.Checkpoints;

/// <summary>Named arrays read from a <see cref="StateFile"/>.</summary>
public sealed class StateData
{
    public Dictionary<string, double[]> Doubles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ulong[]> Words { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A small binary file of named double arrays (normalizer statistics, counters) and named ulong arrays (RNG
/// states). Layout, little-endian:
/// <code>
/// "CRLSTATE" | u32 version | u64 payload length | payload | SHA-256 of everything before it (32 bytes)
/// payload: u32 entry count, then per entry: u8 kind (1 = f64, 2 = u64) | u16 name length | UTF-8 name |
///          u32 element count | elements
/// </code>
/// Written to a temp file and renamed into place, so a reader sees the old file or the new one, never half of one.
/// Reading validates everything and throws <see cref="InvalidDataException"/> naming the file and the problem.
/// </summary>
public static class StateFile
{
    public const int FormatVersion = 1;
    public const int MaxNameBytes = 1024;

    /// <summary>Refuse to read files larger than this (state files are small; a huge size means a wrong file).</summary>
    public const long MaxFileBytes = 1L << 30;

    private static ReadOnlySpan<byte> Magic => "CRLSTATE"u8;
    private const int HeaderBytes = 8 + 4 + 8;
    private const int HashBytes = 32;
    private const byte KindDouble = 1;
    private const byte KindWord = 2;

    public static void Write(string path, IReadOnlyDictionary<string, double[]> doubles, IReadOnlyDictionary<string, ulong[]>? words = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(doubles);
        words ??= new Dictionary<string, ulong[]>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((uint)(doubles.Count + words.Count));
            // Sorted so the same state always gives the same bytes (and hash).
            foreach (var (name, values) in doubles.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                WriteName(w, name, KindDouble, names, values?.Length);
                foreach (double v in values!) w.Write(v);
            }
            foreach (var (name, values) in words.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                WriteName(w, name, KindWord, names, values?.Length);
                foreach (ulong v in values!) w.Write(v);
            }
        }

        byte[] bytes = new byte[HeaderBytes + payload.Length + HashBytes];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), (ulong)payload.Length);
        payload.GetBuffer().AsSpan(0, (int)payload.Length).CopyTo(bytes.AsSpan(HeaderBytes));
        int body = bytes.Length - HashBytes;
        SHA256.HashData(bytes.AsSpan(0, body), bytes.AsSpan(body));

        string full = Path.GetFullPath(path);
        string tmp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
            Durable.SyncDirectory(Path.GetDirectoryName(full)!);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static void WriteName(BinaryWriter w, string name, byte kind, HashSet<string> names, int? length)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("State entry names must not be empty.");
        if (length is null) throw new ArgumentException($"State entry '{name}' is null.");
        if (!names.Add(name)) throw new ArgumentException($"State entry '{name}' is given twice (as a double and a ulong array).");
        byte[] utf8 = Encoding.UTF8.GetBytes(name);
        if (utf8.Length > MaxNameBytes) throw new ArgumentException($"State entry name '{name[..40]}...' is longer than {MaxNameBytes} bytes.");
        w.Write(kind);
        w.Write((ushort)utf8.Length);
        w.Write(utf8);
        w.Write((uint)length.Value);
    }

    public static StateData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long size = new FileInfo(path).Length;
        if (size > MaxFileBytes) throw Bad(path, $"it is {size} bytes, more than the {MaxFileBytes} a state file may have");
        return Parse(path, File.ReadAllBytes(path));
    }

    internal static StateData Parse(string path, byte[] bytes)
    {
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Bad(path, "it does not start with the state-file magic 'CRLSTATE' (not a state file)");
        if (bytes.Length < HeaderBytes)
            throw Bad(path, $"it is truncated: {bytes.Length} bytes, shorter than the {HeaderBytes}-byte header");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (version != FormatVersion)
            throw Bad(path, $"it has format version {version}; this build reads version {FormatVersion}");
        ulong payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(12));
        long expected = payloadLength > (ulong)MaxFileBytes ? long.MaxValue : HeaderBytes + (long)payloadLength + HashBytes;
        if (bytes.Length < expected)
            throw Bad(path, $"it is truncated: {bytes.Length} bytes, the header promises {(expected == long.MaxValue ? "more than " + MaxFileBytes : expected.ToString())}");
        if (bytes.Length > expected)
            throw Bad(path, $"it has {bytes.Length - expected} unexpected trailing bytes");
        int body = bytes.Length - HashBytes;
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(bytes.AsSpan(0, body), hash);
        if (!hash.SequenceEqual(bytes.AsSpan(body)))
            throw Bad(path, "its SHA-256 checksum does not match (the file is corrupted)");

        // The checksum matched, so these checks only catch a writer bug, but a reader never trusts lengths.
        var data = new StateData();
        var r = new SpanReader(path, bytes.AsSpan(HeaderBytes, (int)payloadLength).ToArray());
        uint count = r.U32();
        for (uint e = 0; e < count; e++)
        {
            byte kind = r.U8();
            int nameLength = r.U16();
            if (nameLength == 0 || nameLength > MaxNameBytes) throw Bad(path, $"entry {e} has a name of {nameLength} bytes");
            string name = Encoding.UTF8.GetString(r.Bytes(nameLength));
            uint n = r.U32();
            if ((ulong)n * 8 > (ulong)r.Remaining) throw Bad(path, $"entry '{name}' claims {n} values but only {r.Remaining} bytes remain");
            if (data.Doubles.ContainsKey(name) || data.Words.ContainsKey(name)) throw Bad(path, $"entry '{name}' appears twice");
            switch (kind)
            {
                case KindDouble:
                    var d = new double[n];
                    for (int i = 0; i < n; i++) d[i] = BitConverter.Int64BitsToDouble((long)r.U64());
                    data.Doubles[name] = d;
                    break;
                case KindWord:
                    var u = new ulong[n];
                    for (int i = 0; i < n; i++) u[i] = r.U64();
                    data.Words[name] = u;
                    break;
                default:
                    throw Bad(path, $"entry '{name}' has unknown kind {kind}");
            }
        }
        if (r.Remaining != 0) throw Bad(path, $"{r.Remaining} bytes follow the last entry");
        return data;
    }

    private static InvalidDataException Bad(string path, string why) => new($"State file '{path}' cannot be read: {why}.");

    private sealed class SpanReader(string path, byte[] data)
    {
        private int _pos;
        public int Remaining => data.Length - _pos;

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n > Remaining) throw Bad(path, "an entry runs past the end of the payload");
            var s = data.AsSpan(_pos, n);
            _pos += n;
            return s;
        }

        public byte U8() => Take(1)[0];
        public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        public ReadOnlySpan<byte> Bytes(int n) => Take(n);
    }
}

/// <summary>Gathers and restores the state of several <see cref="IStatefulComponent"/>s under "StateName/entry" keys.</summary>
public static class StatefulComponents
{
    public static Dictionary<string, double[]> Save(IEnumerable<IStatefulComponent> components)
    {
        var all = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in components)
        {
            if (!names.Add(c.StateName)) throw new InvalidOperationException($"Two components share the state name '{c.StateName}'.");
            var own = new Dictionary<string, double[]>(StringComparer.Ordinal);
            c.SaveState(own);
            foreach (var (k, v) in own) all[$"{c.StateName}/{k}"] = v;
        }
        return all;
    }

    /// <summary>Gives each component its own entries (prefix stripped); a component with no entries at all is an error.</summary>
    public static void Load(IEnumerable<IStatefulComponent> components, IReadOnlyDictionary<string, double[]> state)
    {
        foreach (var c in components)
        {
            string prefix = c.StateName + "/";
            var own = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (var (k, v) in state)
            {
                if (k.StartsWith(prefix, StringComparison.Ordinal)) own[k[prefix.Length..]] = v;
            }
            if (own.Count == 0) throw new InvalidDataException($"The checkpoint has no state for '{c.StateName}'.");
            c.LoadState(own);
        }
    }
}
