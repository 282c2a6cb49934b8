namespace ControlRL.Models.Encoders;

/// <summary>
/// How a <see cref="CompositeEncoder"/> encodes each observation leaf. Serializable (plain properties) so a
/// checkpoint can rebuild the same network.
/// </summary>
public sealed record EncoderOptions
{
    /// <summary>Conv trunk for image leaves: <c>nature</c> (Mnih et al. 2015) or <c>impala</c> (Espeholt et al. 2018).</summary>
    public string Cnn { get; init; } = "nature";

    /// <summary>Features out of each conv trunk; 0 means the trunk's usual size (nature 512, impala 256).</summary>
    public int CnnFeatures { get; init; }

    /// <summary>Hidden sizes of an MLP (ReLU, ending in ReLU) for vector leaves; empty: flatten only.</summary>
    public int[] VectorHidden { get; init; } = [];

    /// <summary>Image leaves are uint8 rank-3 Boxes (HWC); a float32 rank-3 Box is an image too when this is true.</summary>
    public bool FloatImages { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int ResolvedCnnFeatures => CnnFeatures > 0 ? CnnFeatures : Cnn == "impala" ? 256 : 512;

    public void Validate()
    {
        if (Cnn is not ("nature" or "impala"))
            throw new ArgumentException($"Unknown CNN '{Cnn}' (known: nature, impala).");
        if (CnnFeatures < 0) throw new ArgumentException($"CnnFeatures must be >= 0 (got {CnnFeatures}).");
        foreach (int h in VectorHidden ?? [])
        {
            if (h < 1) throw new ArgumentException($"VectorHidden sizes must be >= 1 (got {h}).");
        }
    }
}
