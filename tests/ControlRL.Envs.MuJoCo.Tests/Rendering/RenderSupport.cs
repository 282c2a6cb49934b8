using ControlRL.Envs.MuJoCo.Rendering;

namespace ControlRL.Envs.MuJoCo.Tests.Rendering;

internal static class RenderSupport
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        try
        {
            Egl.EnsureInitialized();
            return null;
        }
        catch (RenderingUnavailableException e)
        {
            return e.Message;
        }
    });

    /// <summary>Why EGL cannot render here, or null when it can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>The RGB triple at (x, y) of a top-row-first frame.</summary>
    public static (byte R, byte G, byte B) Pixel(ReadOnlySpan<byte> rgb, int width, int x, int y)
    {
        int i = (y * width + x) * 3;
        return (rgb[i], rgb[i + 1], rgb[i + 2]);
    }
}

/// <summary>A fact that is skipped, saying why, where EGL cannot render (no libEGL or no display).</summary>
public sealed class RenderFactAttribute : FactAttribute
{
    public RenderFactAttribute()
    {
        if (RenderSupport.WhyUnavailable is { } why) Skip = $"Offscreen rendering unavailable: {why}";
    }
}

/// <summary>A theory that is skipped, saying why, where EGL cannot render.</summary>
public sealed class RenderTheoryAttribute : TheoryAttribute
{
    public RenderTheoryAttribute()
    {
        if (RenderSupport.WhyUnavailable is { } why) Skip = $"Offscreen rendering unavailable: {why}";
    }
}

/// <summary>A theory skipped, saying why, where EGL cannot render or the C reference cannot be built.</summary>
public sealed class RenderReferenceTheoryAttribute : TheoryAttribute
{
    public RenderReferenceTheoryAttribute()
    {
        if (RenderSupport.WhyUnavailable is { } why) Skip = $"Offscreen rendering unavailable: {why}";
        else if (Reference.GymReference.MissingToolchain is { } missing) Skip = $"Render reference not built: {missing}.";
    }
}
