using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace PacSpace.ControlPlane.Features.Mail;

/// <summary>
/// Sends transactional mail with MailKit when <c>Smtp:Host</c> is set; otherwise writes each message as an
/// <c>.eml</c> file in the outbox folder and logs the link, so a local install needs no mail server.
/// </summary>
internal sealed partial class Mailer(IOptions<SmtpOptions> options, TimeProvider time, ILogger<Mailer> logger)
{
    public async Task SendAsync(string to, string subject, string text, string link, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = time.GetUtcNow();
        message.Body = new TextPart("plain") { Text = text };

        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            Directory.CreateDirectory(smtp.OutboxDirectory);
            var file = Path.Combine(smtp.OutboxDirectory,
                $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff}-{Guid.NewGuid():N}.eml");
            // Written aside and moved into place, so a reader of the folder never sees half a message.
            var partial = file + ".partial";
            await message.WriteToAsync(partial, cancellationToken);
            File.Move(partial, file);
            LogOutbox(subject, file, link);
            return;
        }

        using var client = new SmtpClient();
        var security = Enum.TryParse<SecureSocketOptions>(smtp.Security, ignoreCase: true, out var s) ? s : SecureSocketOptions.Auto;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        LogSent(subject);
    }

    // The link is logged only in outbox mode: it is the local developer's way in, and there is no mail server.
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Mail \"{Subject}\" written to {File}. Link: {Link}")]
    private partial void LogOutbox(string subject, string file, string link);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Mail \"{Subject}\" sent via SMTP")]
    private partial void LogSent(string subject);
}
