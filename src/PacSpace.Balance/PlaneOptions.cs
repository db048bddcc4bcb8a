using System.ComponentModel.DataAnnotations;

namespace PacSpace.Balance;

public enum PlaneEnvironment
{
    Sandbox,
    Production,
}

/// <summary>Section <c>Plane</c>.</summary>
public sealed class PlaneOptions
{
    /// <summary>Which environment this plane serves; decides which keys it accepts and its log origins.</summary>
    public PlaneEnvironment Environment { get; set; } = PlaneEnvironment.Sandbox;

    /// <summary>Secret the control plane sends to <c>/internal/*</c>. Same value as the dashboard's <c>Planes:ServiceSecret</c>.</summary>
    [Required, MinLength(32)]
    public string ServiceSecret { get; set; } = "";

    /// <summary>
    /// Host part of every log origin (<c>&lt;OriginHost&gt;/&lt;tenantId&gt;/&lt;env&gt;</c>). It names the log for good,
    /// so it must stay the same across restarts and replicas; empty means <c>{env}.pacspace.local</c>.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9.\-:]*$")]
    public string OriginHost { get; set; } = "";

    public string EnvironmentName => Environment == PlaneEnvironment.Production ? "production" : "sandbox";

    public string ResolvedOriginHost => string.IsNullOrEmpty(OriginHost) ? $"{EnvironmentName}.pacspace.local" : OriginHost;
}
