using ControlRL.Cli.Curriculum;
using ControlRL.Cli.Hosting;
using ControlRL.Cli.Plotting;
using ControlRL.Core.Vector;
using ControlRL.Learning.Curricula;
using ControlRL.Learning.Checkpoints;
using ControlRL.Learning.Ppo;
using TorchSharp;

namespace ControlRL.Cli.Training;

/// <summary>Runs <see cref="PpoTrainer"/> for <c>controlrl train</c>: logging, progress, checkpoints, resume, Ctrl+C.</summary>
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
        if (request.ResumeCheckpoint is { } ckpt)
        {
            try
            {
                PpoCheckpoint.Restore(trainer, ckpt);
            }
            catch (InvalidDataException e)
            {
                throw new CliUsageException(e.Message);
            }
            request.Log.WriteLine($"resumed at update {trainer.Update}, step {trainer.GlobalStep}");
            request.Progress.StartAt(trainer.GlobalStep);
        }

        string? lastSaved = null;
        void Save(PpoTrainer t)
        {
            string dir = request.Run.CheckpointPath(t.GlobalStep);
            PpoCheckpoint.Save(t, dir);
            lastSaved = dir;
        }
        var curriculumLog = env.Find<CurriculumWrapper>() is { } curriculum
            ? new CurriculumLog(curriculum, request.Run.Root, () => trainer.GlobalStep)
            : null;
        trainer.Scalar += request.Metrics.Scalar;
        trainer.Progress += p =>
        {
            request.Progress.Update(p.GlobalStep, p.RecentReturn);
            request.Metrics.Flush();
            curriculumLog?.WriteUpdate();
        };
        trainer.CheckpointDue += Save;
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

        if (cancellationToken.IsCancellationRequested && trainer.Update < cfg.NumUpdates)
        {
            Save(trainer);
            request.Log.WriteLine($"interrupted at step {trainer.GlobalStep}; checkpoint written, resume with --resume {request.Run.Root}");
            return ExitCodes.Interrupted;
        }
        if (lastSaved is not null) request.Log.WriteLine($"checkpoint: {lastSaved}");
        return 0;
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
}
