using System.Text.Json.Serialization;

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>One environment in the current API's status answer; the reason only while it is <c>failed</c>.</summary>
internal sealed record EnvironmentState(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ProvisionedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error)
{
    public static EnvironmentState Of(EnvironmentRow row) =>
        new(row.Status, row.ProvisionedAt, row.Status == Vocabulary.Failed ? row.LastError ?? "Activation failed." : null);
}
