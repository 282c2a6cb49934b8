using ControlRL.Core.Vector;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// One finished episode: raw return (sum of the env's float rewards, in double), length in steps, and the
/// episode sums of the named reward terms (in <see cref="Envs.EnvSpec.RewardTerms"/> order). TermSums points into
/// a buffer of <see cref="RecordEpisodeStatistics"/> that is overwritten by the next Step: copy what you keep.
/// </summary>
public readonly record struct EpisodeRecord(int EnvIndex, double Return, int Length)
{
    public ReadOnlyMemory<double> TermSums { get; init; }

    /// <summary>The episode's info metrics, aggregated as <see cref="Envs.EnvSpec.Info"/> declares (same buffer rules as TermSums).</summary>
    public ReadOnlyMemory<double> Info { get; init; }

    /// <summary>How many events of each kind (<see cref="Envs.EnvSpec.Events"/> order) the episode had (same buffer rules).</summary>
    public ReadOnlyMemory<double> EventCounts { get; init; }
}

/// <summary>
/// Tracks per-env episode return and length (Gymnasium's RecordEpisodeStatistics) and the episode sums of each
/// reward term, so a learner can log every term's episode mean. Must sit inside any reward normalization so it
/// sees raw rewards; the constructor refuses a <see cref="NormalizeReward"/> below it.
/// </summary>
public sealed class RecordEpisodeStatistics : VectorWrapper
{
    private readonly double[] _returns;
    private readonly int[] _lengths;
    private readonly double[] _termSums;          // [NumEnvs x terms], running
    private readonly double[] _completedTermSums; // [NumEnvs x terms], k-th completed episode of this step in row k
    private readonly List<EpisodeRecord> _completed;
    private readonly int _terms;
    private readonly Envs.InfoAggregation[] _infoAgg;
    private readonly double[] _info;              // [NumEnvs x info], running aggregate
    private readonly double[] _completedInfo;     // [NumEnvs x info]
    private readonly int _kinds;
    private readonly double[] _eventCounts;       // [NumEnvs x event kinds], running
    private readonly double[] _completedEvents;   // [NumEnvs x event kinds]

    public RecordEpisodeStatistics(IVectorEnv inner) : base(inner)
    {
        if (inner.Find<NormalizeReward>() is not null)
            throw new ArgumentException("RecordEpisodeStatistics must wrap the env inside NormalizeReward so it records raw rewards.", nameof(inner));
        int n = inner.NumEnvs;
        _terms = inner.Buffers.RewardTermCount;
        _returns = new double[n];
        _lengths = new int[n];
        _termSums = new double[n * _terms];
        _completedTermSums = new double[n * _terms];
        _completed = new List<EpisodeRecord>(n);
        _infoAgg = inner.Spec.Info.Select(x => x.Aggregation).ToArray();
        _info = new double[n * _infoAgg.Length];
        _completedInfo = new double[n * _infoAgg.Length];
        _kinds = inner.Spec.Events.Count;
        _eventCounts = new double[n * _kinds];
        _completedEvents = new double[n * _kinds];
    }

    /// <summary>Names of the event kinds, in the order of <see cref="EpisodeRecord.EventCounts"/>.</summary>
    public IReadOnlyList<string> EventNames => Spec.Events;

    /// <summary>Names of the info metrics, in the order of <see cref="EpisodeRecord.Info"/>.</summary>
    public IReadOnlyList<string> InfoNames => Spec.Info.Select(x => x.Name).ToArray();

    /// <summary>Episodes that ended in the last Step (cleared at the start of each Step).</summary>
    public IReadOnlyList<EpisodeRecord> CompletedThisStep => _completed;

    public long TotalEpisodes { get; private set; }
    public long TotalSteps { get; private set; }

    /// <summary>Names of the reward terms, in the order of <see cref="EpisodeRecord.TermSums"/>.</summary>
    public IReadOnlyList<string> TermNames => Spec.RewardTerms;

    /// <summary>Running (unfinished) return of sub-env <paramref name="i"/>.</summary>
    public double RunningReturn(int i) => _returns[i];

    public int RunningLength(int i) => _lengths[i];

    protected override void OnReset()
    {
        Array.Clear(_returns);
        Array.Clear(_lengths);
        Array.Clear(_termSums);
        Array.Clear(_info);
        Array.Clear(_eventCounts);
        _completed.Clear();
    }

    protected override void OnStep(ReadOnlySpan<float> actions)
    {
        _completed.Clear();
        var b = Buffers;
        for (int i = 0; i < b.NumEnvs; i++)
        {
            _returns[i] += b.Rewards[i];
            _lengths[i]++;
            var terms = b.RewardTermRow(i);
            var sums = _termSums.AsSpan(i * _terms, _terms);
            for (int t = 0; t < _terms; t++) sums[t] += terms[t];
            int m = _infoAgg.Length;
            var info = _info.AsSpan(i * m, m);
            if (m > 0)
            {
                var row = b.InfoRow(i);
                int len = _lengths[i];
                for (int j = 0; j < m; j++)
                {
                    double v = row[j];
                    info[j] = _infoAgg[j] switch
                    {
                        Envs.InfoAggregation.Last => v,
                        Envs.InfoAggregation.Sum => info[j] + v,
                        Envs.InfoAggregation.Max => len == 1 ? v : Math.Max(info[j], v),
                        _ => info[j] + (v - info[j]) / len, // running mean
                    };
                }
            }
            var counts = _eventCounts.AsSpan(i * _kinds, _kinds);
            foreach (var ev in b.Events(i))
            {
                if ((uint)ev.Kind < (uint)_kinds) counts[ev.Kind]++;
            }
            if (!b.Done(i)) continue;

            int k = _completed.Count;
            var kept = _completedTermSums.AsMemory(k * _terms, _terms);
            sums.CopyTo(kept.Span);
            var keptInfo = _completedInfo.AsMemory(k * m, m);
            info.CopyTo(keptInfo.Span);
            var keptEvents = _completedEvents.AsMemory(k * _kinds, _kinds);
            counts.CopyTo(keptEvents.Span);
            counts.Clear();
            _completed.Add(new EpisodeRecord(i, _returns[i], _lengths[i]) { TermSums = kept, Info = keptInfo, EventCounts = keptEvents });
            _returns[i] = 0;
            _lengths[i] = 0;
            sums.Clear();
            info.Clear();
        }
        TotalSteps += b.NumEnvs;
        TotalEpisodes += _completed.Count;
    }
}
