using ControlRL.Cli.Hosting;
using ControlRL.Core.Envs;

namespace ControlRL.Cli.Commands;

/// <summary>
/// Runs a command body and maps failures to exit codes with one error line on stderr: bad input ->
/// <see cref="ExitCodes.BadInput"/>, Ctrl+C -> <see cref="ExitCodes.Interrupted"/>, anything else ->
/// <see cref="ExitCodes.Failure"/>. Set CONTROLRL_DEBUG=1 to see stack traces.
/// </summary>
public static class CommandRunner
{
    public static int Run(CliServices services, Func<CancellationToken, int> body)
    {
        using var cts = new CancellationTokenSource();
        // First Ctrl+C asks the command to stop cleanly (the trainer writes a checkpoint); a second one kills.
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            services.Err.WriteLine();
            services.Err.WriteLine("interrupt: stopping after the current step (Ctrl+C again to kill)");
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var interrupt = services.Interrupt.Register(() =>
        {
            services.Err.WriteLine("interrupt: stopping after the current step");
            cts.Cancel();
        });
        try
        {
            return body(cts.Token);
        }
        catch (CliUsageException ex)
        {
            services.Err.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException ex) when (cts.IsCancellationRequested)
        {
            services.Err.WriteLine(ex is CommandInterruptedException ? $"interrupted: {ex.Message}" : "interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            services.Err.WriteLine(Environment.GetEnvironmentVariable("CONTROLRL_DEBUG") == "1"
                ? $"error: {ex}"
                : $"error: {ex.Message} ({ex.GetType().Name}; set CONTROLRL_DEBUG=1 for the stack trace)");
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
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
