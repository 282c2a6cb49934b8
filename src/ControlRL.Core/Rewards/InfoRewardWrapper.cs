using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Rewards;

/// <summary>
/// Replaces an env's reward with an <see cref="IInfoReward"/> computed from the env's own terms and info. The spec
/// keeps everything but: <see cref="EnvSpec.RewardTerms"/> become the reward's terms and <see cref="EnvSpec.Info"/>
/// the env's info followed by the reward's extra info. Each step reads the env's terms and info into buffers of its
/// own (so it works when the caller asks for no info), returns the sum of the new terms, and writes the env's info
/// and the extra info into the caller's info span when it has room. Observations, termination and truncation pass
/// through untouched; capabilities of the env (events, rendering, task parameters) are found through
/// <see cref="IEnvWrapper.Inner"/>, as with every wrapper. Allocation-free per step.
/// </summary>
public sealed class InfoRewardWrapper : IEnvWrapper
{
    private readonly IEnv _env;
    private readonly IInfoReward _reward;
    private readonly float[] _innerTerms;
    private readonly float[] _innerInfo;
    private readonly float[] _terms;
    private readonly float[] _extra;

    public InfoRewardWrapper(IEnv env, IInfoReward reward)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(reward);
        Spec = WrapSpec(env.Spec, reward);
        reward.Bind(env.Spec);
        _env = env;
        _reward = reward;
        _innerTerms = new float[env.Spec.RewardTerms.Count];
        _innerInfo = new float[env.Spec.Info.Count];
        _terms = new float[reward.TermNames.Count];
        _extra = new float[reward.ExtraInfo.Count];
    }

    public EnvSpec Spec { get; }
    public IEnv Inner => _env;
    public IInfoReward Reward => _reward;

    /// <summary>The spec of the wrapped env, without building it; throws when the reward's names clash with the env's.</summary>
    public static EnvSpec WrapSpec(EnvSpec inner, IInfoReward reward)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(reward);
        if (reward.TermNames.Count == 0)
            throw new ArgumentException($"reward '{reward.Name}' has no reward terms; a reward needs at least one.", nameof(reward));
        if (reward.TermNames.Distinct(StringComparer.Ordinal).Count() != reward.TermNames.Count)
            throw new ArgumentException($"reward '{reward.Name}' names a reward term twice: [{string.Join(", ", reward.TermNames)}].", nameof(reward));
        var names = new HashSet<string>(inner.Info.Select(x => x.Name), StringComparer.Ordinal);
        foreach (var x in reward.ExtraInfo)
            if (!names.Add(x.Name))
                throw new ArgumentException($"reward '{reward.Name}' adds the info metric '{x.Name}', which env '{inner.Id}' already reports (or the reward names twice).", nameof(reward));
        string notes = string.IsNullOrEmpty(inner.Notes) ? $"Reward: {reward.Name}." : $"{inner.Notes} Reward: {reward.Name}.";
        return inner with { RewardTerms = reward.TermNames, Info = [.. inner.Info, .. reward.ExtraInfo], Notes = notes };
    }

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        _env.Reset(observation, seed);
        _reward.Reset();
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        Array.Clear(_innerInfo);
        var r = _env.Step(action, observation, _innerTerms, _innerInfo);
        _reward.Step(_innerTerms, _innerInfo, r.Terminated, r.Truncated, _terms, _extra);
        double sum = 0;
        for (int i = 0; i < _terms.Length; i++) sum += _terms[i];
        _terms.AsSpan(0, Math.Min(_terms.Length, rewardTerms.Length)).CopyTo(rewardTerms);
        if (!info.IsEmpty)
        {
            int n = Math.Min(_innerInfo.Length, info.Length);
            _innerInfo.AsSpan(0, n).CopyTo(info);
            if (info.Length > _innerInfo.Length)
                _extra.AsSpan(0, Math.Min(_extra.Length, info.Length - _innerInfo.Length)).CopyTo(info[_innerInfo.Length..]);
        }
        return r with { Reward = (float)sum };
    }

    public void Dispose() => _env.Dispose();
}
