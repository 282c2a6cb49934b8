using ControlRL.Cli.Runs;
using ControlRL.Core.Vector;
using ControlRL.Learning.Evaluation;
using ControlRL.Video;

namespace ControlRL.Cli.Training;

/// <summary>
/// Periodic training videos: every video_every env steps the first evaluation episode (or, between evaluations,
/// one episode played for the video alone) is written to videos/step_{step}.mp4 through the env's renderer. An
/// env that cannot render turns videos off with one note instead of failing the run.
/// </summary>
public sealed class TrainingVideos(RunDirectory run, long every, TextWriter log)
{
    private bool _disabled;

    public bool Enabled => every > 0 && !_disabled;

    /// <summary>Whether (previous, step] crossed a multiple of video_every.</summary>
    public bool Due(long previousStep, long step) => Enabled && TrainingEvaluation.Crossed(previousStep, step, every);

    public string PathFor(long step) => Path.Combine(run.VideosDir, $"step_{step:D10}.mp4");

    /// <summary>An observer that records the first episode it sees to <see cref="PathFor"/>(step).</summary>
    public Recorder Record(long step) => new(this, PathFor(step));

    public sealed class Recorder(TrainingVideos owner, string path) : IEpisodeObserver, IDisposable
    {
        private VectorEnvVideo? _video;
        private bool _failed;

        public string Path => path;

        public bool Written { get; private set; }

        public void OnEpisodeStart(int episode, IVectorEnv env)
        {
            if (episode != 0 || _failed || owner._disabled) return;
            try
            {
                _video = new VectorEnvVideo(env, path, subEnv: 0, maxEpisodes: 1);
                _video.AfterReset();
            }
            catch (Exception e) when (e is not OutOfMemoryException) // a video never takes the run down
            {
                Fail(e);
            }
        }

        public void OnStep(int episode, IVectorEnv env, bool done)
        {
            if (_video is null || _video.IsDone) return;
            try
            {
                _video.AfterStep();
                if (_video.IsDone)
                {
                    _video.Complete();
                    Written = true;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail(e);
            }
        }

        private void Fail(Exception e)
        {
            _failed = true;
            owner._disabled = true;
            _video?.Discard();
            _video = null;
            owner.LogNote($"note: training videos are off: {e.Message}");
        }

        public void Dispose() => _video?.Dispose();
    }

    private void LogNote(string text) => log.WriteLine(text);
}
