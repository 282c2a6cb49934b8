using System.Security.Cryptography;
using ControlRL.Core.Envs;
using ControlRL.Core.Random;

namespace ControlRL.Envs.Box2D.Tests;

internal static class WalkerTestSupport
{
    public static EnvRegistry Registry()
    {
        var r = new EnvRegistry();
        Box2DEnvs.Register(r);
        return r;
    }

    public static IEnumerable<object[]> AllIds() => Box2DEnvs.Ids.Select(id => new object[] { id });

    /// <summary>SHA256 over the observations and rewards of <paramref name="steps"/> steps of seeded random actions.</summary>
    public static string TrajectoryHash(IEnv env, ulong seed, int steps, ulong actionSeed = 7)
    {
        int nObs = env.Spec.ObservationSpace.FlatSize, nAct = env.Spec.ActionSpace.FlatSize;
        var obs = new float[nObs];
        var action = new float[nAct];
        var terms = new float[env.Spec.RewardTerms.Count];
        var rng = new Rng(actionSeed);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        env.Reset(obs, seed);
        sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obs.AsSpan()));
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < nAct; i++) action[i] = (float)rng.Uniform(-1, 1);
            var r = env.Step(action, obs, terms);
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(obs.AsSpan()));
            sha.AppendData(BitConverter.GetBytes(r.Reward));
            if (r.Terminated) env.Reset(obs);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
