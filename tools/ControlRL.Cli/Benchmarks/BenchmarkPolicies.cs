using ControlRL.Core.Random;
using ControlRL.Core.Vector;
using ControlRL.Envs.Driving.Env;
using ControlRL.Models.Policies;

namespace ControlRL.Cli.Benchmarks;

/// <summary>What drives a benchmark's routes: a trained policy, the rule-based expert, or a baseline.</summary>
internal interface IBenchmarkPolicy : IDisposable
{
    /// <summary>How results name it (e.g. <c>expert</c>, a checkpoint folder's name).</summary>
    string Name { get; }

    /// <summary>Sub-env <paramref name="subEnv"/> has started <paramref name="scenario"/> (baselines reseed per route, so a route's actions do not depend on which sub-env drives it).</summary>
    void RouteStarted(int subEnv, DrivingScenario scenario);

    /// <summary>Actions for every sub-env (rows of <paramref name="actions"/>, 2 values each).</summary>
    void Act(IVectorEnv env, Span<float> actions);
}

/// <summary>The privileged rule-based expert: it reads each sub-env's world.</summary>
internal sealed class ExpertBenchmarkPolicy(int numEnvs) : IBenchmarkPolicy
{
    private readonly DrivingEnvExpert[] _experts = [.. Enumerable.Range(0, numEnvs).Select(_ => new DrivingEnvExpert())];

    public string Name => "expert";

    public void RouteStarted(int subEnv, DrivingScenario scenario) { }

    public void Act(IVectorEnv env, Span<float> actions)
    {
        for (int i = 0; i < env.NumEnvs; i++)
        {
            var sub = env.FindInSubEnv<DrivingEnv>(i) ?? throw new InvalidOperationException($"sub-env {i} is not a driving env.");
            _experts[i].Act(sub, actions.Slice(i * 2, 2));
        }
    }

    public void Dispose() { }
}

/// <summary>Uniform actions in [-1, 1]^2, seeded by the route.</summary>
internal sealed class RandomBenchmarkPolicy(int numEnvs) : IBenchmarkPolicy
{
    private readonly Rng[] _rngs = [.. Enumerable.Range(0, numEnvs).Select(_ => new Rng(0))];

    public string Name => "random";

    public void RouteStarted(int subEnv, DrivingScenario scenario) => _rngs[subEnv].Seed(scenario.Seed ^ 0x5EED_0F_A11UL);

    public void Act(IVectorEnv env, Span<float> actions)
    {
        for (int i = 0; i < env.NumEnvs; i++)
        {
            actions[2 * i] = (float)_rngs[i].Uniform(-1, 1);
            actions[2 * i + 1] = (float)_rngs[i].Uniform(-1, 1);
        }
    }

    public void Dispose() { }
}

/// <summary>Straight ahead at constant throttle: the baseline that shows what the route rewards without steering.</summary>
internal sealed class ConstantThrottlePolicy(float throttle) : IBenchmarkPolicy
{
    public string Name => "constant";

    public void RouteStarted(int subEnv, DrivingScenario scenario) { }

    public void Act(IVectorEnv env, Span<float> actions)
    {
        for (int i = 0; i < env.NumEnvs; i++)
        {
            actions[2 * i] = 0;
            actions[2 * i + 1] = throttle;
        }
    }

    public void Dispose() { }
}

/// <summary>
/// A trained policy, deterministic (its mean action), batched over the sub-envs; <paramref name="owned"/> (a loaded
/// checkpoint's network) is disposed with it, null when the policy belongs to a running trainer.
/// </summary>
internal sealed class CheckpointBenchmarkPolicy(string name, PolicyActor actor, IDisposable? owned) : IBenchmarkPolicy
{
    public string Name => name;

    public void RouteStarted(int subEnv, DrivingScenario scenario) { }

    public void Act(IVectorEnv env, Span<float> actions) => actor.Act(env.Buffers.Obs, actions, env.NumEnvs, deterministic: true);

    public void Dispose()
    {
        actor.Dispose();
        owned?.Dispose();
    }
}
