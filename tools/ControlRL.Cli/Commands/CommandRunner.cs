using System.Runtime.InteropServices;
using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;

namespace ControlRL.Cli.Commands;

/// <summary>
/// Runs a command body and maps failures to exit codes with one error line on stderr: bad input ->
/// <see cref="ExitCodes.BadInput"/>, Ctrl+C -> <see cref="ExitCodes.Interrupted"/>, SIGTERM ->
/// <see cref="ExitCodes.Terminated"/>, anything else -> <see cref="ExitCodes.Failure"/>. Set CONTROLRL_DEBUG=1 to
/// see stack traces. The first SIGINT or SIGTERM (Ctrl+C, timeout, docker stop, SLURM) cancels the command's token
/// so it can finish cleanly (train writes a checkpoint); a second one ends the process at once.
/// </summary>
public static class CommandRunner
{
    public static int Run(CliServices services, Func<CancellationToken, int> body)
    {
        using var cts = new CancellationTokenSource();
        PosixSignal? received = null;
        void OnSignal(PosixSignalContext context)
        {
            if (cts.IsCancellationRequested) return; // the second signal takes its default action: exit now
            context.Cancel = true;
            received = context.Signal;
            services.Err.WriteLine();
            services.Err.WriteLine(context.Signal == PosixSignal.SIGTERM
                ? "SIGTERM: stopping cleanly (a second signal exits at once)"
                : "interrupt: stopping cleanly (Ctrl+C again exits at once)");
            cts.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var interrupt = services.Interrupt.Register(() =>
        {
            services.Err.WriteLine("interrupt: stopping after the current step");
            cts.Cancel();
        });
        try
        {
            int code = body(cts.Token);
            return code == ExitCodes.Interrupted && received == PosixSignal.SIGTERM ? ExitCodes.Terminated : code;
        }
        catch (CliUsageException ex)
        {
            services.Err.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException ex) when (cts.IsCancellationRequested)
        {
            services.Err.WriteLine(ex is CommandInterruptedException ? $"interrupted: {ex.Message}" : "interrupted.");
            return received == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            services.Err.WriteLine(Environment.GetEnvironmentVariable("CONTROLRL_DEBUG") == "1"
                ? $"error: {ex}"
                : $"error: {ex.Message} ({ex.GetType().Name}; set CONTROLRL_DEBUG=1 for the stack trace)");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// After work that stops early when interrupted (benchmarks, evaluation): throws
    /// <see cref="CommandInterruptedException"/> with <paramref name="what"/> if Ctrl+C came, so a partial measurement
    /// is never printed as a result; the command then exits with <see cref="ExitCodes.Interrupted"/>.
    /// </summary>
    public static void ThrowIfInterrupted(CancellationToken ct, string what)
    {
        if (ct.IsCancellationRequested) throw new CommandInterruptedException(what, ct);
    }

    /// <summary>Progress of a long command on stderr: a bar on a terminal, else a plain line every few seconds.</summary>
    internal static Logging.ConsoleProgress Progress(CliServices services, long total, string unit, string? label = null) =>
        Logging.ConsoleProgress.ForTask(services.Err, services.InteractiveConsole, total, unit, label);

    /// <summary>Throws <see cref="CliUsageException"/> for an env id nobody registered, suggesting close ids.</summary>
    public static void RequireEnv(EnvRegistry envs, string id)
    {
        if (envs.Contains(id)) return;
        var close = Suggest.Close(id, envs.Ids);
        string hint = close.Count > 0 ? $" Did you mean: {string.Join(", ", close)}?" : "";
        throw new CliUsageException($"unknown env id '{id}'.{hint} ('controlrl envs list' shows the {envs.Ids.Count} known ids)");
    }
}
