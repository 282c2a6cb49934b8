namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// Receives MuJoCo's errors and warnings (installed as mju_user_error / mju_user_warning). Handlers run
/// synchronously on the thread that called into MuJoCo (e.g. inside MjData.Step): keep them short and do not
/// call MuJoCo from them. Warnings also bump mjData.warning counters, see <see cref="MjData.WarningCount"/>.
/// An error is fatal in MuJoCo 2.2.2: subscribers see it, then the process terminates with the message.
/// </summary>
public static class MuJoCoLog
{
    private const int MaxRemembered = 1024;
    private static readonly HashSet<string> Seen = new(StringComparer.Ordinal);

    /// <summary>Raised for every MuJoCo warning and error.</summary>
    public static event Action<MuJoCoLogLevel, string>? Message;

    /// <summary>When true (default), each distinct warning text is also written to stderr once, so nothing is
    /// silent when no subscriber is attached. Texts are compared without MuJoCo's trailing "Time = ..." part.</summary>
    public static bool EchoWarningsToStderr { get; set; } = true;

    internal static void Dispatch(MuJoCoLogLevel level, string text)
    {
        Action<MuJoCoLogLevel, string>? handlers = Message;
        if (handlers is not null)
        {
            foreach (Action<MuJoCoLogLevel, string> h in handlers.GetInvocationList().Cast<Action<MuJoCoLogLevel, string>>())
            {
                try
                {
                    h(level, text);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"MuJoCoLog.Message subscriber threw: {e}");
                }
            }
        }

        if (level == MuJoCoLogLevel.Error)
        {
            Console.Error.WriteLine($"MuJoCo error: {text}");
        }
        else if (EchoWarningsToStderr && FirstTime(text))
        {
            Console.Error.WriteLine($"MuJoCo warning: {text}");
        }
    }

    private static bool FirstTime(string text)
    {
        int t = text.IndexOf(" Time = ", StringComparison.Ordinal);
        string key = t >= 0 ? text[..t] : text;
        lock (Seen)
        {
            if (Seen.Count >= MaxRemembered) Seen.Clear();
            return Seen.Add(key);
        }
    }
}
