using ControlRL.Core.Envs;

namespace ControlRL.Core.Rewards;

/// <summary>
/// A per-step reward computed from what an env reports: its reward terms, its info metrics (<see cref="EnvSpec.Info"/>,
/// read by name) and whether the step ended the episode. It replaces the env's reward through
/// <see cref="InfoRewardWrapper"/>, so one simulator can be trained with several rewards (a driving env with CaRL's
/// simple reward or Roach's shaped one) without the env knowing any of them. One instance serves one env: it may keep
/// per-episode state (penalty clocks, the last steer), cleared by <see cref="Reset"/>.
/// </summary>
public interface IInfoReward
{
    /// <summary>A short name for messages and the wrapped spec's notes (e.g. <c>CaRL</c>).</summary>
    string Name { get; }

    /// <summary>The reward terms this reward writes, in buffer order; the step's reward is their sum.</summary>
    IReadOnlyList<string> TermNames { get; }

    /// <summary>Info metrics of its own (penalty factors, a desired speed), appended after the env's info.</summary>
    IReadOnlyList<InfoSpec> ExtraInfo { get; }

    /// <summary>
    /// Resolves the reward terms and info metrics it reads to buffer indices, once. Throws
    /// <see cref="ArgumentException"/> naming the first one <paramref name="inner"/> does not report.
    /// </summary>
    void Bind(EnvSpec inner);

    /// <summary>Starts an episode (clears per-episode state).</summary>
    void Reset();

    /// <summary>
    /// Computes one step: <paramref name="terms"/> has one slot per <see cref="TermNames"/> entry,
    /// <paramref name="extraInfo"/> one per <see cref="ExtraInfo"/> entry; both must be written in full. Must not
    /// allocate.
    /// </summary>
    void Step(ReadOnlySpan<float> innerTerms, ReadOnlySpan<float> innerInfo, bool terminated, bool truncated, Span<float> terms, Span<float> extraInfo);
}

/// <summary>Name lookups for <see cref="IInfoReward.Bind"/>, with the errors a wrong pairing of reward and env deserves.</summary>
public static class InfoRewardBinding
{
    /// <summary>The index of info metric <paramref name="name"/> in <paramref name="spec"/>; throws naming it and what the env does report.</summary>
    public static int RequireInfo(this EnvSpec spec, string name, string consumer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        for (int i = 0; i < spec.Info.Count; i++)
            if (string.Equals(spec.Info[i].Name, name, StringComparison.Ordinal)) return i;
        string known = spec.Info.Count == 0 ? "none" : string.Join(", ", spec.Info.Select(x => x.Name));
        throw new ArgumentException($"{consumer} needs the info metric '{name}', which env '{spec.Id}' does not report (its info metrics: {known}).");
    }

    /// <summary>The index of reward term <paramref name="name"/> in <paramref name="spec"/>; throws naming it and the env's terms.</summary>
    public static int RequireTerm(this EnvSpec spec, string name, string consumer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        for (int i = 0; i < spec.RewardTerms.Count; i++)
            if (string.Equals(spec.RewardTerms[i], name, StringComparison.Ordinal)) return i;
        string known = spec.RewardTerms.Count == 0 ? "none" : string.Join(", ", spec.RewardTerms);
        throw new ArgumentException($"{consumer} needs the reward term '{name}', which env '{spec.Id}' does not report (its terms: {known}).");
    }
}
