using System.Globalization;
using System.Text;
using System.Text.Json;
using ControlRL.Learning.Curricula;

namespace ControlRL.Cli.Curriculum;

/// <summary>
/// Curriculum diagnostics of a run: <c>curriculum.csv</c> gets one row per finished episode (global step, env,
/// task parameters, raw return, the teacher's progress signal such as ALP); <c>curriculum.jsonl</c> gets one
/// line per PPO update with the distribution of that update's tasks (count, mean, std per parameter) and the
/// teacher's state (scalars and its GMM components or RIAC regions). Both append on resume.
/// </summary>
public sealed class CurriculumLog : IDisposable
{
    public const string EpisodesFile = "curriculum.csv";
    public const string UpdatesFile = "curriculum.jsonl";

    private readonly CurriculumWrapper _wrapper;
    private readonly Func<long> _globalStep;
    private readonly StreamWriter _episodes;
    private readonly StreamWriter _updates;
    private readonly StringBuilder _line = new();
    private readonly double[] _taskSum;
    private readonly double[] _taskSumSq;
    private int _episodesSinceUpdate;

    public CurriculumLog(CurriculumWrapper wrapper, string runDirectory, Func<long> globalStep)
    {
        _wrapper = wrapper;
        _globalStep = globalStep;
        string csv = Path.Combine(runDirectory, EpisodesFile);
        bool header = !File.Exists(csv) || new FileInfo(csv).Length == 0;
        _episodes = new StreamWriter(csv, append: true, new UTF8Encoding(false));
        if (header)
            _episodes.WriteLine("global_step,env," + string.Join(",", wrapper.Teacher.Space.Names) + ",return,progress");
        _updates = new StreamWriter(Path.Combine(runDirectory, UpdatesFile), append: true, new UTF8Encoding(false));
        _taskSum = new double[wrapper.Teacher.Space.Size];
        _taskSumSq = new double[wrapper.Teacher.Space.Size];
        wrapper.EpisodeReported += OnEpisode;
    }

    private void OnEpisode(int env, ReadOnlySpan<float> task, double episodeReturn, double progress)
    {
        var inv = CultureInfo.InvariantCulture;
        _line.Clear();
        _line.Append(_globalStep().ToString(inv)).Append(',').Append(env.ToString(inv));
        for (int d = 0; d < task.Length; d++)
        {
            _line.Append(',').Append(task[d].ToString("R", inv));
            _taskSum[d] += task[d];
            _taskSumSq[d] += (double)task[d] * task[d];
        }
        _episodesSinceUpdate++;
        _line.Append(',').Append(episodeReturn.ToString("R", inv)).Append(',').Append(progress.ToString("R", inv));
        _episodes.WriteLine(_line);
    }

    /// <summary>Writes the teacher's state after an update (called once per PPO update).</summary>
    public void WriteUpdate()
    {
        var d = _wrapper.Teacher.Diagnostics;
        var entry = new Dictionary<string, object?>
        {
            ["global_step"] = _globalStep(),
            ["teacher"] = d.Teacher,
            // The tasks of the episodes that finished during this update: how many, their mean and std per parameter.
            ["episodes"] = _episodesSinceUpdate,
            ["task_mean"] = _episodesSinceUpdate == 0 ? null : _taskSum.Select(x => x / _episodesSinceUpdate).ToArray(),
            ["task_std"] = _episodesSinceUpdate == 0 ? null : _taskSum.Zip(_taskSumSq, (s, q) =>
                Math.Sqrt(Math.Max(0, q / _episodesSinceUpdate - (s / _episodesSinceUpdate) * (s / _episodesSinceUpdate)))).ToArray(),
            ["scalars"] = d.Scalars(),
            ["components"] = d.Components.Select(c => new Dictionary<string, object?>
            {
                ["weight"] = c.Weight,
                ["progress"] = c.Progress,
                ["mean"] = c.Mean,
                ["covariance"] = c.Covariance,
                ["low"] = c.Low,
                ["high"] = c.High,
            }).ToArray(),
        };
        _updates.WriteLine(JsonSerializer.Serialize(entry));
        Array.Clear(_taskSum);
        Array.Clear(_taskSumSq);
        _episodesSinceUpdate = 0;
        _episodes.Flush();
        _updates.Flush();
    }

    public void Dispose()
    {
        _wrapper.EpisodeReported -= OnEpisode;
        _episodes.Dispose();
        _updates.Dispose();
    }
}
