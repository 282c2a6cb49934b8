using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Downscales a uint8 image (H, W, C) or (H, W) to (height, width[, C]) by area averaging, as
/// <c>cv2.resize(obs, (width, height), interpolation=cv2.INTER_AREA)</c> in Gymnasium's ResizeObservation
/// (gymnasium/wrappers/transform_observation.py), non-integer factors such as 96 -> 64 included; the weights are
/// computed once. Upscaling is refused (OpenCV would switch to bilinear there). For a Dict observation,
/// <c>key</c> names the image leaf (default: the only image leaf); the other leaves pass through.
/// </summary>
public sealed class ResizeObservation : ObservationLeafWrapper, IObservationSkipping
{
    private readonly AreaResizer _resizer;

    public ResizeObservation(IEnv env, int height, int width, string? key = null)
        : base(env ?? throw new ArgumentNullException(nameof(env)), PlanFor(env.Spec.ObservationSpace, height, width, key))
    {
        var shape = ((Box)env.Spec.ObservationSpace.Leaves[Leaf].Space).Shape;
        _resizer = new AreaResizer(shape[0], shape[1], height, width, shape.Length == 3 ? shape[2] : 1);
        Height = height;
        Width = width;
    }

    public int Height { get; }
    public int Width { get; }

    public bool SkipObservation { get => Skipping; set => Skipping = value; }

    /// <summary>The observation space the wrapper produces from <paramref name="inner"/>, without building it.</summary>
    public static Space WrapSpace(Space inner, int height, int width, string? key = null) => PlanFor(inner, height, width, key).OutputSpace;

    private static LeafPlan PlanFor(Space space, int height, int width, string? key) =>
        Plan(space, key, nameof(ResizeObservation), (box, label) =>
        {
            if (box.DType != DType.UInt8 || box.Shape.Length is not (2 or 3))
                throw new ArgumentException($"{nameof(ResizeObservation)}: {label} is {box.Describe()}; it needs a uint8 image (H, W, C) or (H, W).");
            int h = box.Shape[0], w = box.Shape[1];
            if (height < 1 || width < 1)
                throw new ArgumentOutOfRangeException(nameof(height), $"{nameof(ResizeObservation)}: target {height}x{width} must be at least 1x1.");
            if (height > h || width > w)
                throw new ArgumentException($"{nameof(ResizeObservation)}: target {height}x{width} is larger than the {h}x{w} image of {label}; only downscaling (area averaging) is supported.");
            return box.Shape.Length == 3 ? Box.Image(height, width, box.Shape[2]) : Box.Uniform([height, width], 0, 255, DType.UInt8);
        });

    private protected override void Transform(ObsRow src, ObsRow dst, bool reset) =>
        _resizer.Resize(src.UInt8(Leaf), dst.UInt8(Leaf));
}
