using ControlRL.Core.Checkpoints;
using ControlRL.Core.Statistics;

namespace ControlRL.Core.Tests;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "controlrl-ckpt-" + Guid.NewGuid().ToString("N"));

    public CheckpointFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteSample()
    {
        string path = Path.Combine(_dir, "state.bin");
        StateFile.Write(path,
            new Dictionary<string, double[]> { ["obs_norm/mean"] = [1.5, -2, double.Epsilon], ["empty"] = [], ["ünï"] = [double.NaN] },
            new Dictionary<string, ulong[]> { ["rng"] = [1, ulong.MaxValue, 3, 4, 5, 0] });
        return path;
    }

    [Fact]
    public void RoundTripsDoublesAndWords()
    {
        var data = StateFile.Read(WriteSample());
        Assert.Equal(new[] { 1.5, -2, double.Epsilon }, data.Doubles["obs_norm/mean"]);
        Assert.Empty(data.Doubles["empty"]);
        Assert.True(double.IsNaN(data.Doubles["ünï"][0]));
        Assert.Equal(new ulong[] { 1, ulong.MaxValue, 3, 4, 5, 0 }, data.Words["rng"]);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    [Fact]
    public void TruncatedFileIsAClearError()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 0, 5, 12, 19, bytes.Length - 33, bytes.Length - 1 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var ex = Assert.Throws<InvalidDataException>(() => StateFile.Read(path));
            Assert.Contains("state.bin", ex.Message);
            Assert.True(ex.Message.Contains("truncated") || ex.Message.Contains("magic"), ex.Message);
        }
    }

    [Fact]
    public void CorruptedBadMagicAndUnknownVersionAreClearErrors()
    {
        string path = WriteSample();
        byte[] good = File.ReadAllBytes(path);

        for (int i = 20; i < good.Length; i += 7)
        {
            byte[] flipped = (byte[])good.Clone();
            flipped[i] ^= 0x10;
            File.WriteAllBytes(path, flipped);
            var ex = Assert.Throws<InvalidDataException>(() => StateFile.Read(path));
            Assert.Contains("checksum", ex.Message);
        }

        byte[] magic = (byte[])good.Clone();
        magic[0] = (byte)'X';
        File.WriteAllBytes(path, magic);
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => StateFile.Read(path)).Message);

        byte[] version = (byte[])good.Clone();
        version[8] = 99;
        File.WriteAllBytes(path, version);
        Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => StateFile.Read(path)).Message);

        byte[] huge = (byte[])good.Clone();
        huge[19] = 0x7F; // payload length ~ 2^62
        File.WriteAllBytes(path, huge);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => StateFile.Read(path)).Message);

        File.WriteAllBytes(path, [.. good, 0]);
        Assert.Contains("trailing", Assert.Throws<InvalidDataException>(() => StateFile.Read(path)).Message);
    }

    [Fact]
    public void StatefulComponentsRoundTripThroughAFile()
    {
        var a = new RunningMeanStd(2, stateName: "obs_norm");
        a.Update(new float[] { 1, 2, 3, 4, 5, 7 }, 3);
        string path = Path.Combine(_dir, "norm.bin");
        StateFile.Write(path, StatefulComponents.Save([a]));
        var b = new RunningMeanStd(2, stateName: "obs_norm");
        StatefulComponents.Load([b], StateFile.Read(path).Doubles);
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Var, b.Var);
        Assert.Equal(a.Count, b.Count);
        var other = new RunningMeanStd(2, stateName: "reward_norm");
        Assert.Throws<InvalidDataException>(() => StatefulComponents.Load([other], StateFile.Read(path).Doubles));
    }

    [Fact]
    public void AtomicDirectoryReplacesAndKeepsOldOnFailure()
    {
        string ckpt = Path.Combine(_dir, "runs", "ckpt_000100");
        AtomicDirectory.Write(ckpt, d => File.WriteAllText(Path.Combine(d, "a.txt"), "v1"));
        Assert.Equal("v1", File.ReadAllText(Path.Combine(ckpt, "a.txt")));

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicDirectory.Write(ckpt, d =>
        {
            File.WriteAllText(Path.Combine(d, "a.txt"), "half");
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", ex.Message);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(ckpt, "a.txt")));
        Assert.Equal(["ckpt_000100"], Directory.GetFileSystemEntries(Path.Combine(_dir, "runs")).Select(Path.GetFileName));

        AtomicDirectory.Write(ckpt, d => File.WriteAllText(Path.Combine(d, "b.txt"), "v2"));
        Assert.False(File.Exists(Path.Combine(ckpt, "a.txt")));
        Assert.Equal("v2", File.ReadAllText(Path.Combine(ckpt, "b.txt")));
        Assert.Single(Directory.GetFileSystemEntries(Path.Combine(_dir, "runs")));
    }

    [Fact]
    public void RecoverPutsBackAMovedAsideCheckpoint()
    {
        string runs = Path.Combine(_dir, "runs");
        string ckpt = Path.Combine(runs, "latest");
        AtomicDirectory.Write(ckpt, d => File.WriteAllText(Path.Combine(d, "a.txt"), "v1"));
        // Simulate a crash between the two renames: old moved aside, a temp dir left behind.
        Directory.Move(ckpt, Path.Combine(runs, ".latest.old-123"));
        Directory.CreateDirectory(Path.Combine(runs, ".latest.tmp-456"));
        AtomicDirectory.Recover(ckpt);
        Assert.Equal("v1", File.ReadAllText(Path.Combine(ckpt, "a.txt")));
        Assert.Single(Directory.GetFileSystemEntries(runs));
    }
}
