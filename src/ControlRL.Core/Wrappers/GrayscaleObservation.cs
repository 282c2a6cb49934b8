using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// uint8 RGB image (H, W, 3) to uint8 luma (H, W, 1), or (H, W) with <c>keepDim = false</c>. Uses ITU-R BT.601
/// weights in OpenCV's fixed-point form, bit-exact with <c>cv2.cvtColor(obs, cv2.COLOR_RGB2GRAY)</c> as SB3's
/// WarpFrame and Gymnasium's AtariPreprocessing produce. Gymnasium's own GrayscaleObservation
/// (gymnasium/wrappers/transform_observation.py) instead uses the BT.709 weights 0.2125/0.7154/0.0721 and
/// truncates, so its pixels can differ by a few levels. For a Dict observation, <c>key</c> names the image leaf
/// (default: the only image leaf); the other leaves pass through.
/// </summary>
public sealed class GrayscaleObservation : ObservationLeafWrapper, IObservationSkipping
{
    public GrayscaleObservation(IEnv env, bool keepDim = true, string? key = null)
        : base(env ?? throw new ArgumentNullException(nameof(env)), PlanFor(env.Spec.ObservationSpace, keepDim, key))
    {
        KeepDim = keepDim;
    }

    public bool KeepDim { get; }

    public bool SkipObservation { get => Skipping; set => Skipping = value; }

    /// <summary>The observation space the wrapper produces from <paramref name="inner"/>, without building it.</summary>
    public static Space WrapSpace(Space inner, bool keepDim = true, string? key = null) => PlanFor(inner, keepDim, key).OutputSpace;

    private static LeafPlan PlanFor(Space space, bool keepDim, string? key) =>
        Plan(space, key, nameof(GrayscaleObservation), (box, label) =>
        {
            if (box.DType != DType.UInt8 || box.Shape.Length != 3 || box.Shape[2] != 3)
                throw new ArgumentException($"{nameof(GrayscaleObservation)}: {label} is {box.Describe()}; it needs a uint8 RGB image (H, W, 3).");
            int h = box.Shape[0], w = box.Shape[1];
            return keepDim ? Box.Image(h, w, 1) : Box.Uniform([h, w], 0, 255, DType.UInt8);
        });

    private protected override void Transform(ObsRow src, ObsRow dst, bool reset) =>
        ImageOps.RgbToGray(src.UInt8(Leaf), dst.UInt8(Leaf));
}
