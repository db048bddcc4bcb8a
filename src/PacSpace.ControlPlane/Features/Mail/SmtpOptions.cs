using System.ComponentModel.DataAnnotations;

namespace PacSpace.ControlPlane.Features.Mail;

/// <summary>Section <c>Smtp</c>. When <see cref="Host"/> is empty mail goes to the outbox folder instead.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary><c>Auto</c>, <c>StartTls</c>, <c>SslOnConnect</c> or <c>None</c>.</summary>
    public string Security { get; set; } = "Auto";

    [Required]
    public string From { get; set; } = "PacSpace <no-reply@pacspace.local>";

    /// <summary>Where mails are written when no SMTP host is set.</summary>
    public string OutboxDirectory { get; set; } = Path.Combine(".pacspace", "outbox");
}
