using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ControlRL.Envs.MuJoCo.Native;

namespace ControlRL.Envs.MuJoCo.Tests.Native;

public class MjDataTests
{
    private static void Drive(MjData d, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            d.Ctrl[0] = Math.Sin(0.01 * i);
            d.Step();
        }
    }

    private static string StateHash(MjData d)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(MemoryMarshal.AsBytes((ReadOnlySpan<double>)d.Qpos));
        sha.AppendData(MemoryMarshal.AsBytes((ReadOnlySpan<double>)d.Qvel));
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Fact]
    public void SpansHaveModelSizes()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        using var d = new MjData(m);
        Assert.Same(m, d.Model);
        Assert.Equal(m.Nq, d.Qpos.Length);
        Assert.Equal(m.Nv, d.Qvel.Length);
        Assert.Equal(m.Nv, d.Qacc.Length);
        Assert.Equal(m.Nu, d.Ctrl.Length);
        Assert.Equal(m.Na, d.Act.Length);
        Assert.Equal(3 * m.Nbody, d.Xpos.Length);
        Assert.Equal(4 * m.Nbody, d.Xquat.Length);
        Assert.Equal(10 * m.Nbody, d.Cinert.Length);
        Assert.Equal(6 * m.Nbody, d.Cvel.Length);
        Assert.Equal(6 * m.Nbody, d.CfrcExt.Length);
        Assert.Equal(m.Nv, d.QfrcActuator.Length);
        Assert.Equal(3 * m.Nbody, d.SubtreeCom.Length);
        Assert.Equal(m.Qpos0.ToArray(), d.Qpos.ToArray());

        d.Forward();
        Assert.Equal(0.2, d.Xpos[3 * 2 + 2], 12); // box body position after kinematics
        Assert.Equal(1.0, d.Xquat[0]);
    }

    [Fact]
    public void SteppingIsBitwiseDeterministic()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        using var a = new MjData(m);
        using var b = new MjData(m);
        for (int i = 0; i < 500; i++)
        {
            a.Ctrl[0] = b.Ctrl[0] = Math.Sin(0.01 * i);
            a.Step();
            b.Step();
        }
        Assert.Equal(500 * 0.005, a.Time, 9);
        Assert.True(MemoryMarshal.AsBytes((ReadOnlySpan<double>)a.Qpos).SequenceEqual(MemoryMarshal.AsBytes((ReadOnlySpan<double>)b.Qpos)));
        Assert.True(MemoryMarshal.AsBytes((ReadOnlySpan<double>)a.Qvel).SequenceEqual(MemoryMarshal.AsBytes((ReadOnlySpan<double>)b.Qvel)));

        // The box fell and the arm moved: the run did something.
        Assert.NotEqual(m.Qpos0[3], a.Qpos[3]);
        Assert.NotEqual(0.0, a.Qpos[0]);

        string first = StateHash(a);
        a.Reset();
        Assert.Equal(0.0, a.Time);
        Drive(a, 500);
        string again = StateHash(a);
        using var c = new MjData(m);
        Drive(c, 500);
        Assert.Equal(first, again);
        Assert.Equal(first, StateHash(c));
    }

    [Fact]
    public void StepAndSpanAccessDoNotAllocate()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        using var d = new MjData(m);
        double sink = 0;
        void Loop()
        {
            for (int i = 0; i < 200; i++)
            {
                d.Ctrl[0] = 0.5;
                d.Step();
                d.Forward();
                sink += d.Qpos[0] + d.Qvel[0] + d.Xpos[0] + d.CfrcExt.Length + m.BodyMass[1] + d.Time;
                sink += d.WarningCount(MjWarning.BadQacc);
            }
        }
        Loop(); // JIT warm-up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Loop();
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(0, after - before);
        Assert.False(double.IsNaN(sink));
    }

    [Fact]
    public void DivergenceRaisesBadQaccAndIsRoutedWithoutLogFile()
    {
        string log = Path.Combine(Directory.GetCurrentDirectory(), "MUJOCO_LOG.TXT");
        long logBefore = File.Exists(log) ? new FileInfo(log).Length : -1;

        var messages = new ConcurrentQueue<(MuJoCoLogLevel Level, string Text)>();
        void OnMessage(MuJoCoLogLevel level, string text) => messages.Enqueue((level, text));
        MuJoCoLog.Message += OnMessage;
        try
        {
            using MjModel m = MjModel.FromXmlString(TestModels.Explosive);
            using var d = new MjData(m);
            Assert.Equal(0, d.WarningCount(MjWarning.BadQacc));
            d.Ctrl[0] = 1e9; // below the bad-ctrl threshold, but force 1e15 on a ~1 kg pole
            d.Step();
            Assert.True(d.WarningCount(MjWarning.BadQacc) >= 1);
            // MuJoCo resets the state after a bad qacc: the simulation is usable again.
            Assert.All(d.Qpos.ToArray(), q => Assert.True(double.IsFinite(q)));

            d.ClearWarnings();
            Assert.Equal(0, d.WarningCount(MjWarning.BadQacc));
            d.Ctrl[0] = 1e9;
            d.Step();
            Assert.True(d.WarningCount(MjWarning.BadQacc) >= 1);
            d.Reset();
            Assert.Equal(0, d.WarningCount(MjWarning.BadQacc));
        }
        finally
        {
            MuJoCoLog.Message -= OnMessage;
        }

        Assert.Contains(messages, msg => msg.Level == MuJoCoLogLevel.Warning && msg.Text.Contains("QACC"));
        long logAfter = File.Exists(log) ? new FileInfo(log).Length : -1;
        Assert.Equal(logBefore, logAfter);
    }

    [Fact]
    public unsafe void MuJoCoWarningsGoToTheEvent()
    {
        var texts = new ConcurrentQueue<string>();
        void OnMessage(MuJoCoLogLevel level, string text)
        {
            if (level == MuJoCoLogLevel.Warning) texts.Enqueue(text);
        }
        MuJoCoLog.Message += OnMessage;
        try
        {
            byte[] msg = "controlrl test warning\0"u8.ToArray();
            fixed (byte* p = msg) MjNative.mju_warning(p);
        }
        finally
        {
            MuJoCoLog.Message -= OnMessage;
        }
        Assert.Contains("controlrl test warning", texts);
    }

    [Fact]
    public void CfrcExtNeedsRnePostConstraint()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.BoxOnPlane);
        using var d = new MjData(m);
        for (int i = 0; i < 200; i++) d.Step();
        int box = m.Name2Id(MjObj.Body, "box");

        Assert.All(d.CfrcExt.ToArray(), f => Assert.Equal(0.0, f));
        d.RnePostConstraint();
        Span<double> f = d.CfrcExt.Slice(6 * box, 6);
        Assert.Contains(f.ToArray(), x => x != 0.0);
        // Resting box: the contact force balances gravity (m g = 9.81 N) in the linear z component.
        Assert.Equal(9.81, Math.Abs(f[5]), 1);
    }

    [Fact]
    public void ResetRestoresInitialState()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        using var d = new MjData(m);
        Drive(d, 50);
        d.Time = 3.5;
        Assert.Equal(3.5, d.Time);
        d.Reset();
        Assert.Equal(0.0, d.Time);
        Assert.Equal(m.Qpos0.ToArray(), d.Qpos.ToArray());
        Assert.All(d.Qvel.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(d.Ctrl.ToArray(), c => Assert.Equal(0.0, c));
    }

    [Fact]
    public void DisposedDataThrows()
    {
        using MjModel m = MjModel.FromXmlString(TestModels.Arm);
        var d = new MjData(m);
        d.Dispose();
        d.Dispose();
        Assert.Throws<ObjectDisposedException>(() => d.Step());
        Assert.Throws<ObjectDisposedException>(() => d.Qpos.Length);
    }
}
