using System.Diagnostics;
using System.Globalization;
using ControlRL.Cli.Benchmarks;
using ControlRL.Cli.Curriculum;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Plotting;
using ControlRL.Core.Vector;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Curricula;
using ControlRL.Learning.Evaluation;
using ControlRL.Learning.Ppo;
using ControlRL.Learning.Training;
using TorchSharp;

namespace ControlRL.Cli.Training;

/// <summary>
/// Runs <see cref="PpoTrainer"/> for <c>controlrl train</c>: resume, logging, progress, evaluation during training,
/// checkpoints (by updates, by time, the best by evaluation), Ctrl+C / SIGTERM and the closing summary.
/// </summary>
public sealed class PpoTrainerHost : ITrainerHost
{
    public int Train(TrainRequest request, CancellationToken cancellationToken)
    {
        var cfg = request.Config as PpoConfig
            ?? throw new ArgumentException($"PpoTrainerHost trains ppo, not {request.Config.Algo}.", nameof(request));
        if (cfg.Device.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
            throw new CliUsageException("--device cuda: no CUDA device is usable. This build uses TorchSharp-cpu; build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU (see README, GPU).");
        torch.manual_seed((long)(cfg.Seed & long.MaxValue));
        using var env = BuildEnv(request, cfg);
        using var policy = PolicyFactory.Create(env.Spec, cfg);
        using var trainer = new PpoTrainer(cfg, env, policy);
        CheckpointMeta? resumed = null;
        if (request.ResumeCheckpoint is { } ckpt)
        {
            try
            {
                resumed = PpoCheckpoint.ReadMeta(ckpt);
                PpoCheckpoint.Restore(trainer, ckpt);
            }
            catch (InvalidDataException e)
            {
                throw new CliUsageException(e.Message);
            }
            if (trainer.Finished) return NothingLeft(request, trainer, resumed);
        }

        request.Begin();
        var run = request.Run;
        if (resumed is not null)
        {
            request.Log.WriteLine($"resumed at update {trainer.Update}, step {trainer.GlobalStep:N0}");
            request.Progress.StartAt(trainer.GlobalStep);
        }
        var clock = Stopwatch.StartNew();
        long startStep = trainer.GlobalStep;
        var checkpoints = new CheckpointSchedule(run, cfg, (dir, extra) => PpoCheckpoint.Save(trainer, dir, extra));
        using var evaluation = new TrainingEvaluation(request.Envs, cfg);
        if (resumed is not null && CheckpointSchedule.ReadBest(run) is { } best) evaluation.RestoreBest(best.MeanReturn, best.Step);
        using var benchmark = TrainingBenchmark.Create(request.Envs, cfg, run.Root);

        var videos = new TrainingVideos(run, cfg.VideoEvery, request.Log);
        void Evaluate(bool video)
        {
            long step = trainer.GlobalStep;
            using var recorder = video && videos.Enabled ? videos.Record(step) : null;
            var (result, newBest) = evaluation.Evaluate(env, trainer.Policy, step, cancellationToken, recorder);
            if (recorder is { Written: true }) request.Progress.Message($"video: {recorder.Path}");
            if (result.Returns.Count == 0) return; // interrupted before an episode finished
            request.Metrics.Scalar("eval/mean_return", result.MeanReturn, step);
            request.Metrics.Scalar("eval/std_return", result.StdReturn, step);
            request.Metrics.Scalar("eval/mean_length", result.MeanLength, step);
            foreach (var (name, values) in result.Info)
                if (values.Count > 0) request.Metrics.Scalar("eval/info/" + name, values.Average(), step);
            request.Metrics.Flush();
            request.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                $"eval at step {step:N0}: return {result.MeanReturn:0.00} ± {result.StdReturn:0.00} over {result.Returns.Count} episodes{(newBest ? " (new best)" : "")}"));
            if (newBest) checkpoints.SaveBest(step, result);
            if (benchmark?.Run(env, trainer.Policy, step, cancellationToken, request.Metrics.Scalar) is { } g)
            {
                request.Metrics.Flush();
                request.Progress.Message(string.Create(CultureInfo.InvariantCulture,
                    $"benchmark {benchmark.SuiteName} at step {step:N0}: DS {g.Mean.Composed.Value:0.00}, RC {g.Mean.Route.Value:0.00}, IS {g.Mean.Penalty.Value:0.000}"));
            }
        }

        void RecordVideo()
        {
            using var recorder = videos.Record(trainer.GlobalStep);
            evaluation.Play(env, trainer.Policy, 1, cancellationToken, recorder);
            if (recorder.Written) request.Progress.Message($"video: {recorder.Path}");
        }

        var curriculumLog = env.Find<CurriculumWrapper>() is { } curriculum
            ? new CurriculumLog(curriculum, run.Root, () => trainer.GlobalStep)
            : null;
        long previousStep = trainer.GlobalStep;
        trainer.Scalar += request.Metrics.Scalar;
        trainer.Progress += p =>
        {
            request.Progress.Update(p.GlobalStep, p.RecentReturn);
            request.Metrics.Flush();
            curriculumLog?.WriteUpdate();
            bool evalDue = evaluation.Enabled && TrainingEvaluation.Crossed(previousStep, p.GlobalStep, cfg.EvalEvery);
            bool videoDue = videos.Due(previousStep, p.GlobalStep);
            if (request.LoggingFailure() is null && evalDue) Evaluate(videoDue);
            else if (videoDue) RecordVideo();
            previousStep = p.GlobalStep;
            if (checkpoints.TimeDue && !trainer.Finished) checkpoints.Save(trainer.GlobalStep);
        };
        // Stop after this update when the logs cannot be written or the eval target is reached; the end below checkpoints.
        trainer.Callbacks.Add(new StopWhen(() => request.LoggingFailure() is not null || evaluation.ReachedStopReward));
        trainer.CheckpointDue += t => checkpoints.Save(t.GlobalStep);
        try
        {
            trainer.Train(cancellationToken);
        }
        finally
        {
            if (curriculumLog is not null)
            {
                curriculumLog.Dispose();
                PlotCurriculum(request);
            }
        }

        bool interrupted = cancellationToken.IsCancellationRequested && !trainer.Finished;
        var loggingFailure = request.LoggingFailure();
        if (!interrupted && loggingFailure is null && evaluation.Enabled && evaluation.LastStep != trainer.GlobalStep && !evaluation.ReachedStopReward)
            Evaluate(video: videos.Enabled);
        else if (!interrupted && videos.Enabled && !File.Exists(videos.PathFor(trainer.GlobalStep)))
            RecordVideo();
        string? checkpoint = null;
        string? checkpointError = null;
        try
        {
            checkpoint = trainer.GlobalStep > startStep || resumed is null ? checkpoints.Save(trainer.GlobalStep) : request.ResumeCheckpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            checkpointError = e.Message;
        }

        request.Progress.Finish();
        new TrainSummary
        {
            Run = run,
            Steps = trainer.GlobalStep,
            TotalTimesteps = cfg.TotalTimesteps,
            StepsThisCall = trainer.GlobalStep - startStep,
            Elapsed = clock.Elapsed,
            TrainingReturn = trainer.RecentReturn,
            FinalEval = evaluation.Last,
            FinalEvalStep = evaluation.LastStep,
            BestReturn = evaluation.BestReturn,
            BestStep = evaluation.BestStep,
            Checkpoint = checkpoint,
            StoppedEarly = evaluation.ReachedStopReward ? cfg.EvalStopReward : null,
        }.Write(request.Log);

        if (loggingFailure is not null)
        {
            string saved = checkpoint is not null ? $"checkpoint written to {checkpoint}" : $"no checkpoint could be written either ({checkpointError})";
            throw new IOException($"writing the run's logs failed at step {trainer.GlobalStep:N0} ({loggingFailure.Message}); training stopped, {saved}. Free space and resume with --resume {run.Root}", loggingFailure);
        }
        if (checkpointError is not null)
            throw new IOException($"the final checkpoint could not be written ({checkpointError}); the newest earlier one is {checkpoints.LastDir ?? request.ResumeCheckpoint ?? "none"}.");
        if (interrupted)
        {
            request.Log.WriteLine($"interrupted at step {trainer.GlobalStep:N0}; checkpoint written, resume with --resume {run.Root}");
            return ExitCodes.Interrupted;
        }
        return ExitCodes.Ok;
    }

    // A resumed run with no whole update left: finished (nothing to do) or a budget too small for the batch shape.
    private static int NothingLeft(TrainRequest request, PpoTrainer trainer, CheckpointMeta resumed)
    {
        var cfg = trainer.Config;
        long done = trainer.GlobalStep, total = cfg.TotalTimesteps;
        if (total == resumed.Config.TotalTimesteps || total <= done)
        {
            request.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"run already finished: {done:N0} of total_timesteps {total:N0} steps trained (one more update needs {cfg.BatchSize:N0}). Nothing to do; raise --total-timesteps to train further."));
            return ExitCodes.Ok;
        }
        throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
            $"--resume: {total - done:N0} steps are left of total_timesteps {total:N0}, but one update takes num_envs x num_steps = {cfg.NumEnvs} x {cfg.NumSteps} = {cfg.BatchSize:N0}; set --total-timesteps to at least {done + cfg.BatchSize:N0} or use a smaller batch."));
    }

    // A curriculum on an env without task parameters is the user's input error, not a crash.
    private static IVectorEnv BuildEnv(TrainRequest request, PpoConfig cfg)
    {
        try
        {
            return PpoEnvironment.Build(request.Envs, cfg);
        }
        catch (ArgumentException e) when (request.Config.Curriculum is not null && e.Message.Contains("curriculum", StringComparison.Ordinal))
        {
            throw new CliUsageException(e.Message);
        }
    }

    private static void PlotCurriculum(TrainRequest request)
    {
        string csv = Path.Combine(request.Run.Root, CurriculumLog.EpisodesFile);
        string png = Path.Combine(request.Run.PlotsDir, "curriculum_tasks.png");
        try
        {
            CurriculumPlot.Render(csv, png, $"{request.Config.EnvId}, {request.Config.Curriculum}");
            request.Log.WriteLine($"curriculum plot: {png}");
        }
        catch (CliUsageException e)
        {
            request.Log.WriteLine($"note: no curriculum plot drawn: {e.Message}");
        }
    }

    private sealed class StopWhen(Func<bool> stop) : TrainerCallback
    {
        public override bool OnUpdate(in TrainerState state) => !stop();
    }
}
