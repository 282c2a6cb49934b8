namespace ControlRL.Core.Envs;

/// <summary>
/// An env that can draw its current state as an RGB picture for people (episode videos), independent of what it
/// observes: Gymnasium's <c>render_mode="rgb_array"</c>. Frames are <see cref="RenderHeight"/> x
/// <see cref="RenderWidth"/> x 3 bytes, RGB order, top row first (the order video files and PNGs use).
/// </summary>
public interface IRenderable
{
    int RenderWidth { get; }
    int RenderHeight { get; }

    /// <summary>
    /// Chooses the frame size (Gymnasium's <c>width</c>/<c>height</c> arguments). Throws
    /// <see cref="ArgumentOutOfRangeException"/> naming the limit for sizes the renderer cannot draw.
    /// </summary>
    void SetRenderSize(int width, int height);

    /// <summary>
    /// Draws the state after the last Reset/Step into <paramref name="rgb"/> (RenderHeight * RenderWidth * 3
    /// bytes). Does not change the env's state, so rendering never changes an episode.
    /// </summary>
    void Render(Span<byte> rgb);
}
