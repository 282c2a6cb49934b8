using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.MuJoCo.Tests.Reference;
using Xunit.Abstractions;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

/// <summary>
/// Each task against Reference/gym_reference.c, an independent C transcription of Gymnasium v5's observation,
/// reward terms and termination, run on the same asset, start state and actions.
/// </summary>
public class ReferenceProgramTests(GymReference reference, ITestOutputHelper output) : IClassFixture<GymReference>
{
    // Both sides step the same libmujoco in double precision, so the states agree bit for bit; what differs is
    // our float32 observations and terms (relative rounding 2^-24 ~ 6e-8) and the order of a few double sums
    // (~1e-15). 1e-5, relative to the reference value plus the same absolute floor for values near zero,
    // leaves two orders of margin over that and is still far below any formula slip (a wrong weight, clip,
    // body or sign moves a value by far more).
    private const double RelTol = 1e-5;
    private const double AbsTol = 1e-5;
    private const int Steps = 1000;

    /// <summary>An episode: velocity noise and a downward root speed at the start; actions as a fraction of the box.</summary>
    private sealed record Episode(ulong Seed, double ActionScale, double VelocityNoise, double Drop);

    /// <summary>
    /// Full-range random actions, 10% past the box (Gymnasium writes actions to ctrl unclipped), and gentle ones; a
    /// violent start reaches Hopper's and Walker2d's qvel clip; a hard landing reaches Humanoid's contact-cost cap.
    /// The walkers terminate within tens of steps; HalfCheetah and the gentle Ant run all 1000.
    /// </summary>
    private static readonly Episode[] Episodes =
        [new(1, 1.1, 0.05, 0), new(2, 0.3, 0.05, 0), new(3, 1.0, 12, 0), new(4, 1.0, 0.05, 6)];

    /// <summary>qvel index of the root's vertical slide (planar rootz; free joint z); none for the cart-pole.</summary>
    private static readonly Dictionary<string, int> VerticalVelocity = new()
    {
        ["HalfCheetah-v5"] = 1, ["Hopper-v5"] = 1, ["Walker2d-v5"] = 1, ["Ant-v5"] = 2, ["Humanoid-v5"] = 2,
    };

    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    [GymReferenceTheory]
    [MemberData(nameof(Ids))]
    public void ObservationsRewardTermsAndTerminationMatchTheGymnasiumReference(string id)
    {
        using var env = TaskTestSupport.MakeRaw(id);
        var (obs, _, terms) = TaskTestSupport.Buffers(env);
        var box = (Box)env.Spec.ActionSpace;
        double worstAbs = 0, worstRel = 0;
        foreach (var (seed, scale, speed, drop) in Episodes)
        {
            var rng = new Rng(seed);
            // A start state near qpos0 drawn here, independent of either side's reset noise.
            double[] qpos = env.Model.Qpos0.ToArray().Select(q => q + rng.Uniform(-0.05, 0.05)).ToArray();
            double[] qvel = Enumerable.Range(0, env.Model.Nv).Select(_ => rng.Uniform(-speed, speed)).ToArray();
            if (VerticalVelocity.TryGetValue(id, out int vz)) qvel[vz] -= drop;
            float[][] actions = Enumerable.Range(0, Steps).Select(_ => Enumerable.Range(0, box.FlatSize)
                .Select(i => (float)(scale * rng.Uniform(box.Low[i], box.High[i]))).ToArray()).ToArray();

            IReadOnlyList<ReferenceStep> expected = reference.Run(id, env.AssetPath, qpos, qvel, actions);
            Assert.Equal(0, expected[0].Step);

            ResetTo(env, qpos, qvel, obs);
            string where = $"{id} (seed {seed}) after reset";
            Compare(expected[0].Observation, obs, where, "obs", ref worstAbs, ref worstRel);

            int t = 1;
            for (; t < expected.Count; t++)
            {
                ReferenceStep e = expected[t];
                Assert.Equal(t, e.Step);
                var (reward, terminated) = StepEnv(env, actions[t - 1], obs, terms);
                where = $"{id} (seed {seed}) step {t}";
                Assert.True(e.Terminated == terminated, $"{where}: terminated {terminated}, reference {e.Terminated}");
                Compare(e.Observation, obs, where, "obs", ref worstAbs, ref worstRel);
                Compare(e.Terms, terms, where, "reward term", ref worstAbs, ref worstRel);
                Compare([e.Reward], [reward], where, "reward", ref worstAbs, ref worstRel);
            }
            // The reference stops at its first termination; otherwise it ran every step.
            Assert.True(expected[^1].Terminated || expected.Count == Steps + 1, $"{id}: reference output truncated");
            output.WriteLine($"{id} seed {seed}: {t - 1} steps, terminated {expected[^1].Terminated}");
        }
        output.WriteLine($"{id}: largest difference abs {worstAbs:G3}, relative {worstRel:G3}");
    }

    private static void Compare(double[] expected, ReadOnlySpan<float> actual, string where, string what,
        ref double worstAbs, ref double worstRel)
    {
        Assert.True(expected.Length == actual.Length,
            $"{where}: {actual.Length} {what} values, reference has {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            worstAbs = Math.Max(worstAbs, diff);
            if (expected[i] != 0) worstRel = Math.Max(worstRel, diff / Math.Abs(expected[i]));
            // Message built only on failure: formatting every value dominated the run time.
            if (!(diff <= AbsTol + RelTol * Math.Abs(expected[i])))
                Assert.Fail($"{where}: {what}[{i}] = {actual[i]:R}, reference {expected[i]:R}");
        }
    }

    // The only calls into the env contract, so a change of IEnv's Reset/Step signatures stays here.
    private static void ResetTo(MuJoCoEnv env, double[] qpos, double[] qvel, float[] obs) =>
        env.ResetToState(qpos, qvel, obs);

    private static (float Reward, bool Terminated) StepEnv(IEnv env, float[] action, float[] obs, float[] terms)
    {
        StepOutcome outcome = env.Step(action, obs, terms);
        Assert.False(outcome.Truncated);
        return (outcome.Reward, outcome.Terminated);
    }
}
