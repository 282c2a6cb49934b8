using ControlRL.Core.Spaces;

namespace ControlRL.Core.Envs;

/// <summary>
/// What a user (and <c>controlrl envs describe</c>) needs to know about an environment.
/// </summary>
/// <param name="Id">Registry id, e.g. <c>HalfCheetah-v5</c>.</param>
/// <param name="ObservationSpace">Space of one observation.</param>
/// <param name="ActionSpace">Space of one action.</param>
/// <param name="Dt">Seconds of simulated time per env step (timestep x frame skip).</param>
/// <param name="FrameSkip">Simulator steps per env step (1 where not meaningful).</param>
/// <param name="MaxEpisodeSteps">Step limit applied by the time-limit wrapper; 0 for none.</param>
/// <param name="RewardTerms">Names of the reward terms each step reports, in buffer order.</param>
public sealed record EnvSpec(
    string Id,
    Space ObservationSpace,
    Space ActionSpace,
    double Dt,
    int FrameSkip,
    int MaxEpisodeSteps,
    IReadOnlyList<string> RewardTerms)
{
    /// <summary>Free-form notes (e.g. the deviations from the reference implementation).</summary>
    public string Notes { get; init; } = "";

    /// <summary>Per-step info metrics the env reports beside its reward terms, in buffer order.</summary>
    public IReadOnlyList<InfoSpec> Info { get; init; } = [];

    /// <summary>Kinds of <see cref="EnvEvent"/> the env reports (an <see cref="IEventSource"/>), indexed by <see cref="EnvEvent.Kind"/>.</summary>
    public IReadOnlyList<string> Events { get; init; } = [];
}

/// <summary>How an info metric's per-step values become one number per episode.</summary>
public enum InfoAggregation
{
    /// <summary>The value of the episode's last step (e.g. <c>is_success</c>, route completion).</summary>
    Last,

    /// <summary>The sum over the episode (e.g. a count of infractions).</summary>
    Sum,

    Max,
    Mean,
}

/// <summary>A named per-step fact that is not reward, and how episodes aggregate it (logged as <c>info/{Name}</c>).</summary>
public sealed record InfoSpec(string Name, InfoAggregation Aggregation = InfoAggregation.Last, string Description = "");
