namespace ControlRL.Envs.MuJoCo.Rendering;

/// <summary>
/// Offscreen rendering cannot start on this machine: libEGL is missing, or EGL/OpenGL could not be initialised.
/// The message names the failing step and the Debian packages that provide a headless OpenGL.
/// </summary>
public sealed class RenderingUnavailableException : Exception
{
    public RenderingUnavailableException(string message) : base(message) { }
    public RenderingUnavailableException(string message, Exception inner) : base(message, inner) { }
}
