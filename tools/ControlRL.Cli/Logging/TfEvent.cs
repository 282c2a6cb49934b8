using System.Buffers.Binary;
using System.Text;

namespace ControlRL.Cli.Logging;

/// <summary>One scalar of an event's summary.</summary>
public readonly record struct TfScalar(string Tag, float Value);

/// <summary>
/// The subset of tensorflow.Event that scalar logging uses, encoded by hand as protobuf:
/// Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
/// Summary { repeated Value value = 1; }  Value { string tag = 1; float simple_value = 2; }
/// SessionLog session_log = 6 { SessionStatus status = 1 (START = 1) }: a START at step s tells TensorBoard to
/// discard events of earlier files with step >= s (how TensorFlow's writers mark a restart from a checkpoint).
/// </summary>
public sealed record TfEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<TfScalar> Scalars)
{
    /// <summary>A SessionLog START event (a restart at <see cref="Step"/>).</summary>
    public bool SessionStart { get; init; }

    public byte[] Encode()
    {
        var ms = new MemoryStream();
        WriteTag(ms, 1, 1);
        Span<byte> buf = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(buf, WallTime);
        ms.Write(buf);
        if (Step != 0)
        {
            WriteTag(ms, 2, 0);
            WriteVarint(ms, unchecked((ulong)Step));
        }
        if (FileVersion is not null) WriteBytes(ms, 3, Encoding.UTF8.GetBytes(FileVersion));
        if (SessionStart) WriteBytes(ms, 6, [0x08, 0x01]); // status (field 1, varint) = START
        if (Scalars.Count > 0)
        {
            var summary = new MemoryStream();
            foreach (var s in Scalars)
            {
                var value = new MemoryStream();
                WriteBytes(value, 1, Encoding.UTF8.GetBytes(s.Tag));
                WriteTag(value, 2, 5);
                BinaryPrimitives.WriteSingleLittleEndian(buf, s.Value);
                value.Write(buf[..4]);
                WriteBytes(summary, 1, value.ToArray());
            }
            WriteBytes(ms, 5, summary.ToArray());
        }
        return ms.ToArray();
    }

    /// <summary>Decodes an Event, skipping fields it does not model (as protobuf readers do).</summary>
    public static TfEvent Decode(ReadOnlySpan<byte> data)
    {
        double wall = 0;
        long step = 0;
        string? version = null;
        var scalars = new List<TfScalar>();
        bool start = false;
        var r = new Reader(data);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            switch (field, wire)
            {
                case (1, 1): wall = BitConverter.Int64BitsToDouble((long)r.Fixed64()); break;
                case (2, 0): step = (long)r.Varint(); break;
                case (3, 2): version = Encoding.UTF8.GetString(r.Bytes()); break;
                case (5, 2): DecodeSummary(r.Bytes(), scalars); break;
                case (6, 2): start = r.Bytes().SequenceEqual((ReadOnlySpan<byte>)[0x08, 0x01]); break;
                default: r.Skip(wire); break;
            }
        }
        return new TfEvent(wall, step, version, scalars) { SessionStart = start };
    }

    private static void DecodeSummary(ReadOnlySpan<byte> data, List<TfScalar> into)
    {
        var r = new Reader(data);
        while (!r.End)
        {
            var (field, wire) = r.Tag();
            if (field == 1 && wire == 2)
            {
                var v = new Reader(r.Bytes());
                string tag = "";
                float value = float.NaN;
                while (!v.End)
                {
                    var (f, w) = v.Tag();
                    if (f == 1 && w == 2) tag = Encoding.UTF8.GetString(v.Bytes());
                    else if (f == 2 && w == 5) value = BitConverter.Int32BitsToSingle((int)v.Fixed32());
                    else v.Skip(w);
                }
                into.Add(new TfScalar(tag, value));
            }
            else r.Skip(wire);
        }
    }

    private static void WriteTag(Stream s, int field, int wire) => WriteVarint(s, (ulong)((field << 3) | wire));

    private static void WriteBytes(Stream s, int field, ReadOnlySpan<byte> bytes)
    {
        WriteTag(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    private static void WriteVarint(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        s.WriteByte((byte)v);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool End => _pos >= _data.Length;

        public (int Field, int Wire) Tag()
        {
            ulong t = Varint();
            return ((int)(t >> 3), (int)(t & 7));
        }

        public ulong Varint()
        {
            ulong v = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                byte b = Next(1)[0];
                v |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80) return v;
            }
            throw new InvalidDataException("varint longer than 10 bytes.");
        }

        public ulong Fixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Next(8));
        public uint Fixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Next(4));
        public ReadOnlySpan<byte> Bytes() => Next(checked((int)Varint()));

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0: Varint(); break;
                case 1: Next(8); break;
                case 2: Bytes(); break;
                case 5: Next(4); break;
                default: throw new InvalidDataException($"unsupported protobuf wire type {wire}.");
            }
        }

        private ReadOnlySpan<byte> Next(int n)
        {
            if (n < 0 || _pos + n > _data.Length) throw new InvalidDataException("protobuf message ends early.");
            var s = _data.Slice(_pos, n);
            _pos += n;
            return s;
        }
    }
}
