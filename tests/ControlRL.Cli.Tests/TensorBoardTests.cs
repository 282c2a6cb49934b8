using System.Buffers.Binary;
using System.Text;
using ControlRL.Cli.Logging;

namespace ControlRL.Cli.Tests;

public class TensorBoardTests
{
    [Fact]
    public void Crc32CMatchesTheStandardCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32C.Compute([]));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
    }

    [Fact]
    public void EventFileHasVersionRecordThenScalarsWithValidFraming()
    {
        using var tmp = new TempDir();
        string file;
        using (var tb = new TensorBoardSink(tmp.Path))
        {
            tb.Scalar("charts/episodic_return", 123.5, 2048);
            tb.Scalar("losses/approx_kl", 0.01, 4096);
            tb.Flush();
            file = tb.FilePath;
        }
        Assert.Matches(@"^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+$", Path.GetFileName(file));

        // Walk the framing by hand: u64 length, masked CRC of the length, data, masked CRC of the data.
        byte[] bytes = File.ReadAllBytes(file);
        int pos = 0, records = 0;
        while (pos < bytes.Length)
        {
            ulong len = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(pos));
            Assert.Equal(Crc32C.Mask(Crc32C.Compute(bytes.AsSpan(pos, 8))), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8)));
            var data = bytes.AsSpan(pos + 12, (int)len);
            Assert.Equal(Crc32C.Mask(Crc32C.Compute(data)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + (int)len)));
            pos += 16 + (int)len;
            records++;
        }
        Assert.Equal(bytes.Length, pos);
        Assert.Equal(3, records);

        var events = TensorBoardSink.ReadEvents(file).ToList();
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Empty(events[0].Scalars);
        Assert.Equal(2048, events[1].Step);
        Assert.Equal(new TfScalar("charts/episodic_return", 123.5f), Assert.Single(events[1].Scalars));
        Assert.Equal(4096, events[2].Step);
        Assert.Equal(0.01f, events[2].Scalars[0].Value);
        Assert.InRange(events[2].WallTime, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
    }

    [Fact]
    public void EncodingMatchesTheProtobufWireFormat()
    {
        // Event{wall_time=1.5, step=300, summary{value{tag="a", simple_value=2}}}
        byte[] expected =
        [
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,   // field 1, fixed64 1.5
            0x10, 0xAC, 0x02,                      // field 2, varint 300
            0x2A, 0x0A,                            // field 5, 10 bytes
            0x0A, 0x08,                            //   Summary.value, 8 bytes
            0x0A, 0x01, (byte)'a',                 //     tag "a"
            0x15, 0, 0, 0, 0x40,                   //     simple_value 2.0f
        ];
        Assert.Equal(expected, new TfEvent(1.5, 300, null, [new TfScalar("a", 2f)]).Encode());
        var back = TfEvent.Decode(expected);
        Assert.Equal((1.5, 300L, "a", 2f), (back.WallTime, back.Step, back.Scalars[0].Tag, back.Scalars[0].Value));
    }

    [Fact]
    public void CorruptionAndTruncationAreDetected()
    {
        using var tmp = new TempDir();
        string file;
        using (var tb = new TensorBoardSink(tmp.Path))
        {
            tb.Scalar("x", 1, 1);
            file = tb.FilePath;
        }
        byte[] good = File.ReadAllBytes(file);

        byte[] flipped = (byte[])good.Clone();
        flipped[^6] ^= 0x01;
        Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(new MemoryStream(flipped)).ToList());

        byte[] cut = good[..^3];
        Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(new MemoryStream(cut)).ToList());
        Assert.Single(TfRecord.ReadAll(new MemoryStream(cut), allowTruncatedTail: true));
    }
}
