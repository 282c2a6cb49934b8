using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving.Bev;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Tests;

public class BevConfigTests
{
    [Fact]
    public void DefaultsAreTheCaRLGeometryAndItsSmallerScaling()
    {
        var carl = BevConfig.CaRL;
        Assert.Equal((256, 256, 2.0, 100, 10), (carl.Width, carl.Height, carl.PixelsPerMetre, carl.EgoFromBottom, carl.ChannelCount));
        var small = BevConfig.Default;
        Assert.Equal((64, 64, 1.0, 25), (small.Width, small.Height, small.PixelsPerMetre, small.EgoFromBottom));
        Assert.Equal(BevConfig.AllChannels, small.Channels);
        Assert.Equal(BevChannel.Road, small.Channels[0]);
        Assert.Equal(BevChannel.Shoulder, small.Channels[9]);
        Assert.Equal(64 * 64 * 10, small.FrameBytes);
        var space = small.ObservationSpace();
        Assert.Equal([64, 64, 10], space.Shape);
        Assert.True(space.IsImage);
        Assert.Equal(DType.UInt8, space.DType);
    }

    [Fact]
    public void RectangularRastersAndChannelSubsets()
    {
        var cfg = new BevConfig(96, 48, 1.5, 10, [BevChannel.Vehicles, BevChannel.Road]);
        Assert.Equal((96, 48, 2), (cfg.Width, cfg.Height, cfg.ChannelCount));
        Assert.Equal(0, cfg.IndexOf(BevChannel.Vehicles));
        Assert.Equal(1, cfg.IndexOf(BevChannel.Road));
        Assert.Equal(-1, cfg.IndexOf(BevChannel.Route));
        Assert.Equal(new Vec2(48, 38), cfg.EgoPixel);
    }

    [Theory]
    [InlineData(0, 64, 1.0, 25, "width")]
    [InlineData(4096, 64, 1.0, 25, "width")]
    [InlineData(64, 7, 1.0, 2, "height")]
    [InlineData(64, 64, 0.0, 25, "resolution")]
    [InlineData(64, 64, -1.0, 25, "resolution")]
    [InlineData(64, 64, double.NaN, 25, "resolution")]
    [InlineData(64, 64, double.PositiveInfinity, 25, "resolution")]
    [InlineData(64, 64, 1.0, 64, "ego row")]
    [InlineData(64, 64, 1.0, -1, "ego row")]
    public void BadGeometryIsRefusedClearly(int width, int height, double ppm, int ego, string words)
    {
        var e = Assert.Throws<ArgumentException>(() => new BevConfig(width, height, ppm, ego));
        Assert.Contains(words, e.Message);
    }

    [Fact]
    public void BadChannelSetsAndDrawingSettingsAreRefused()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new BevConfig(64, 1, 25, [BevChannel.Road, BevChannel.Road])).Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new BevConfig(64, 1, 25, [])).Message);
        Assert.Contains("does not exist", Assert.Throws<ArgumentException>(() => new BevConfig(64, 1, 25, [(BevChannel)42])).Message);
        Assert.Contains("RouteWidth", Assert.Throws<ArgumentException>(() => new BevConfig(64, 1, 25) { RouteWidth = -1 }).Message);
        Assert.Contains("StopLineThickness", Assert.Throws<ArgumentException>(() => new BevConfig(64, 1, 25) { StopLineThickness = double.NaN }).Message);
        var emptyRange = new BevConfig(64, 1, 25) { MinActorSpeed = 5, MaxActorSpeed = 5 };
        Assert.Contains("MaxActorSpeed", Assert.Throws<ArgumentException>(() => new BevRenderer(BevTestTowns.Straight(), emptyRange)).Message);
    }

    [Fact]
    public void SpeedsAreEncodedAsCaRLDoes()
    {
        var cfg = BevConfig.Default;
        // 127 + floor(clip((v + 2.67) / 36, 0, 1) * 128)
        Assert.Equal(136, cfg.EncodeSpeed(0));
        Assert.Equal(172, cfg.EncodeSpeed(10));
        Assert.Equal(127, cfg.EncodeSpeed(-10));
        Assert.Equal(255, cfg.EncodeSpeed(33.33));
        Assert.Equal(255, cfg.EncodeSpeed(1e9));
    }

    [Fact]
    public void WorldToPixelPutsTheEgoAtItsDocumentedPlaceFacingUp()
    {
        var cfg = BevConfig.Default;
        var ego = new OrientedBox(new Vec2(50, -1), 0, 2.25, 1);
        Assert.Equal(new Vec2(32, 39), cfg.WorldToPixel(ego, ego.Centre));
        Assert.Equal(new Vec2(32, 29), cfg.WorldToPixel(ego, new Vec2(60, -1)));   // 10 m ahead: 10 rows up
        Assert.Equal(new Vec2(27, 39), cfg.WorldToPixel(ego, new Vec2(50, 4)));    // 5 m left: 5 columns left
        var north = ego with { Heading = Math.PI / 2 };
        var ahead = cfg.WorldToPixel(north, new Vec2(50, 9));
        Assert.Equal(32, ahead.X, 9);
        Assert.Equal(29, ahead.Y, 9);
        var carl = BevConfig.CaRL;
        Assert.Equal(new Vec2(128, 156), carl.WorldToPixel(ego, ego.Centre));
        Assert.Equal(new Vec2(128, 136), carl.WorldToPixel(ego, new Vec2(60, -1)));
    }
}
