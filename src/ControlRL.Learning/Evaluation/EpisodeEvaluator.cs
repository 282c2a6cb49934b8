using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;
using ControlRL.Core.Wrappers;

namespace ControlRL.Learning.Evaluation;

/// <summary>Returns, lengths and per-episode info metrics of one evaluation.</summary>
public sealed record EvaluationResult(
    IReadOnlyList<double> Returns,
    IReadOnlyList<int> Lengths,
    IReadOnlyDictionary<string, IReadOnlyList<double>> Info)
{
    public double MeanReturn => Returns.Count == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation, as Stable-Baselines3's evaluate_policy reports it.</summary>
    public double StdReturn
    {
        get
        {
            if (Returns.Count == 0) return double.NaN;
            double m = MeanReturn;
            return Math.Sqrt(Returns.Select(r => (r - m) * (r - m)).Average());
        }
    }

    public double MeanLength => Lengths.Count == 0 ? double.NaN : Lengths.Average();
}

/// <summary>Sees every step of an evaluation (videos, event logs); called between steps, never during one.</summary>
public interface IEpisodeObserver
{
    /// <summary>After the reset that starts <paramref name="episode"/>.</summary>
    void OnEpisodeStart(int episode, IVectorEnv env);

    /// <summary>After each step of <paramref name="episode"/>; <paramref name="done"/> on its last one (the env has then already started the next episode).</summary>
    void OnStep(int episode, IVectorEnv env, bool done);
}

/// <summary>
/// Runs whole episodes of a policy on a one-sub-env vector env (Stable-Baselines3's evaluate_policy): episode i
/// starts with reset(seed + i), so every evaluation sees the same episodes. Returns come from the env's
/// <see cref="RecordEpisodeStatistics"/> (raw rewards, before any reward normalization).
/// </summary>
public static class EpisodeEvaluator
{
    /// <summary>Acts for the first <c>rows</c> rows of the observations into the action buffer.</summary>
    public delegate void Act(ObservationBatch observations, Span<float> actions);

    /// <param name="beforeReset">Runs before episode i's reset (e.g. to choose its task); may be null.</param>
    public static EvaluationResult Run(IVectorEnv env, Act act, int episodes, ulong seed, CancellationToken cancel,
        IEpisodeObserver? observer = null, Action<int>? beforeReset = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(act);
        if (env.NumEnvs != 1) throw new ArgumentException($"Evaluation steps one sub-env; this env has {env.NumEnvs}.", nameof(env));
        ArgumentOutOfRangeException.ThrowIfNegative(episodes);
        var stats = env.Find<RecordEpisodeStatistics>()
            ?? throw new ArgumentException("The evaluation env records no episode statistics (RecordEpisodeStatistics is missing).", nameof(env));
        var actions = new float[env.Buffers.ActionSize];
        var returns = new List<double>(episodes);
        var lengths = new List<int>(episodes);
        var names = stats.InfoNames;
        var info = names.ToDictionary(n => n, _ => new List<double>(episodes), StringComparer.Ordinal);
        for (int episode = 0; episode < episodes && !cancel.IsCancellationRequested; episode++)
        {
            beforeReset?.Invoke(episode);
            env.Reset(seed + (ulong)episode);
            observer?.OnEpisodeStart(episode, env);
            while (true)
            {
                act(env.Buffers.Obs, actions);
                env.Step(actions);
                bool done = stats.CompletedThisStep.Count > 0;
                observer?.OnStep(episode, env, done);
                if (!done)
                {
                    if (cancel.IsCancellationRequested) break;
                    continue;
                }
                var ep = stats.CompletedThisStep[0];
                returns.Add(ep.Return);
                lengths.Add(ep.Length);
                var values = ep.Info.Span;
                for (int k = 0; k < names.Count && k < values.Length; k++) info[names[k]].Add(values[k]);
                break;
            }
        }
        return new EvaluationResult(returns, lengths,
            info.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value, StringComparer.Ordinal));
    }
}
