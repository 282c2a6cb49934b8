using System.Runtime.InteropServices;
using System.Security.Cryptography;
using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class DeterminismTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    /// <summary>SHA256 over every observation, reward and flag of a seeded random-action rollout.</summary>
    private static string RolloutHash(string id, ulong seed, int steps)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var rng = new Rng(seed + 1000);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        env.Reset(obs, seed);
        sha.AppendData(MemoryMarshal.AsBytes(obs.AsSpan()));
        for (int t = 0; t < steps; t++)
        {
            TaskTestSupport.Sample(rng, (Core.Spaces.Box)env.Spec.ActionSpace, act);
            var r = env.Step(act, obs, terms);
            sha.AppendData(MemoryMarshal.AsBytes(obs.AsSpan()));
            sha.AppendData(MemoryMarshal.AsBytes(terms.AsSpan()));
            sha.AppendData([r.Terminated ? (byte)1 : (byte)0]);
            if (r.Terminated) env.Reset(obs); // generator continues: still determined by the seed
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void SameSeedAndActionsGiveBitIdenticalObservations(string id)
    {
        string first = RolloutHash(id, seed: 12, steps: 300);
        string second = RolloutHash(id, seed: 12, steps: 300);
        Assert.Equal(first, second);
        Assert.NotEqual(first, RolloutHash(id, seed: 13, steps: 300));
    }
}
