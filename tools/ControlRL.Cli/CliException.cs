namespace ControlRL.Cli;

/// <summary>
/// Bad input from the user (unknown env id, unreadable file, unknown config key, bad value). The command prints
/// the message as one line on stderr and exits with <see cref="ExitCodes.BadInput"/>, without a stack trace.
/// </summary>
public sealed class CliUsageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The command was interrupted (Ctrl+C) before it had a result; the message says what was lost, e.g. "bench ppo
/// stopped after 2 of 4 updates; no result". Exits with <see cref="ExitCodes.Interrupted"/>.
/// </summary>
public sealed class CommandInterruptedException(string message, CancellationToken token) : OperationCanceledException(message, token);

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed (trainer crashed, simulator diverged, I/O error).</summary>
    public const int Failure = 1;

    /// <summary>The command line or its inputs are wrong; nothing was run.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (128 + 15) after cleaning up.</summary>
    public const int Terminated = 143;
}
