using System.Buffers.Binary;
using System.Numerics;

namespace ControlRL.Cli.Logging;

/// <summary>CRC-32C (Castagnoli) and the masking TFRecord applies to it.</summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C uses the SSE4.2/ARM instruction when present, a table otherwise.
        uint crc = 0xFFFFFFFFu;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }

    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);
}

/// <summary>
/// TFRecord framing: uint64 length, masked CRC-32C of the length bytes, the data, masked CRC-32C of the data
/// (all little-endian).
/// </summary>
public static class TfRecord
{
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Mask(Crc32C.Compute(header[..8])));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Mask(Crc32C.Compute(data)));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>
    /// Reads every record, checking both CRCs. A bad CRC throws <see cref="InvalidDataException"/>; so does a
    /// truncated last record unless <paramref name="allowTruncatedTail"/> (a file still being written).
    /// </summary>
    public static IEnumerable<byte[]> ReadAll(Stream stream, bool allowTruncatedTail = false)
    {
        var header = new byte[12];
        var footer = new byte[4];
        long offset = 0;
        while (true)
        {
            int got = stream.ReadAtLeast(header, 12, throwOnEndOfStream: false);
            if (got == 0) yield break;
            if (got < 12)
            {
                if (allowTruncatedTail) yield break;
                throw new InvalidDataException($"truncated record header at byte {offset}.");
            }
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
            if (lengthCrc != Crc32C.Mask(Crc32C.Compute(header.AsSpan(0, 8))))
                throw new InvalidDataException($"length CRC mismatch at byte {offset}.");
            if (length > int.MaxValue) throw new InvalidDataException($"record at byte {offset} claims {length} bytes.");
            var data = new byte[length];
            if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length ||
                stream.ReadAtLeast(footer, 4, throwOnEndOfStream: false) < 4)
            {
                if (allowTruncatedTail) yield break;
                throw new InvalidDataException($"truncated record at byte {offset}.");
            }
            if (BinaryPrimitives.ReadUInt32LittleEndian(footer) != Crc32C.Mask(Crc32C.Compute(data)))
                throw new InvalidDataException($"data CRC mismatch in record at byte {offset}.");
            offset += 16 + data.Length;
            yield return data;
        }
    }
}
