namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>An error reported by MuJoCo; the message carries MuJoCo's own text.</summary>
public sealed class MuJoCoException : Exception
{
    public MuJoCoException(string message) : base(message) { }
    public MuJoCoException(string message, Exception inner) : base(message, inner) { }
}
