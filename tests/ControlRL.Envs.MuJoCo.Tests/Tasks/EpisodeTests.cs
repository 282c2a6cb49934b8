using ControlRL.Core.Random;

namespace ControlRL.Envs.MuJoCo.Tests.Tasks;

public class EpisodeTests
{
    public static IEnumerable<object[]> Ids => TaskTestSupport.Ids;

    [Theory]
    [MemberData(nameof(Ids))]
    public void ThousandRandomStepsRunThroughTheRegistry(string id)
    {
        using var env = TaskTestSupport.Registry().Make(id);
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        var box = (Core.Spaces.Box)env.Spec.ActionSpace;
        var rng = new Rng(7);
        env.Reset(obs, seed: 7);
        int episodeSteps = 0, episodes = 0;
        for (int t = 0; t < 1000; t++)
        {
            TaskTestSupport.Sample(rng, box, act);
            var r = env.Step(act, obs, terms);
            episodeSteps++;
            Assert.True(float.IsFinite(r.Reward));
            Assert.All(obs, v => Assert.True(float.IsFinite(v)));
            Assert.Equal(episodeSteps == 1000 && !r.Terminated, r.Truncated);
            if (r.Terminated || r.Truncated)
            {
                episodes++;
                episodeSteps = 0;
                env.Reset(obs);
            }
        }
        if (id == "HalfCheetah-v5") Assert.Equal(1, episodes); // the one episode is cut at exactly 1000 steps
    }

    [Fact]
    public void TimeLimitTruncatesAtOneThousandSteps()
    {
        using var env = TaskTestSupport.Registry().Make("HalfCheetah-v5");
        var (obs, act, terms) = TaskTestSupport.Buffers(env);
        env.Reset(obs, seed: 0);
        for (int t = 1; t < 1000; t++) Assert.False(env.Step(act, obs, terms).Truncated);
        var last = env.Step(act, obs, terms);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
    }
}
