using System.Collections.Generic;
using System.Linq;
using Outpost.Core.Protocol;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Which job extensions a target runs, as its responder advertises them in dispatch.txt. Submitting
    /// anything else would only come back as exit 125 with the reason in stderr, so front ends refuse it
    /// up front. With no advertisement yet (no responder has started) there is nothing to check against:
    /// the job is allowed, and the caller is told the check was skipped.
    /// </summary>
    public static class ServedExtensions
    {
        /// <summary>dispatch.order first (the responder's preference), then any other dispatch.&lt;ext&gt; it lists.</summary>
        public static IReadOnlyList<string> Of(DispatchInfo advertisement) =>
            advertisement.Order.Concat(advertisement.Interpreters.Keys.OrderBy(k => k, System.StringComparer.Ordinal))
                .Where(e => e.Length > 0).Distinct(System.StringComparer.Ordinal).ToList();

        /// <summary>Throws ExtensionNotServed when the target's advertisement does not list <paramref name="extension"/>.</summary>
        /// <returns>
        /// null when the extension is served (or there is no share at all, which submitting reports); a warning
        /// to show when the target advertises nothing to check against.
        /// </returns>
        public static string? Check(OutpostTarget target, string extension)
        {
            if (!System.IO.Directory.Exists(target.Path)) return null;
            var advertisement = target.CheckProtocolVersion();
            var served = advertisement == null ? new List<string>() : Of(advertisement);
            if (served.Count == 0) return Unchecked(target, extension);
            // Ordinal, as the responder's own lookup: .SH is not .sh to it.
            if (served.Contains(extension, System.StringComparer.Ordinal)) return null;
            throw new OutpostException("ExtensionNotServed", OutpostErrorKind.InvalidArgument,
                $"the responder of {target.Name} does not run .{extension} jobs; it runs {string.Join(", ", served.Select(e => "." + e))} " +
                $"(from {target.Layout.DispatchFile}); give one of those as the extension", extension);
        }

        private static string Unchecked(OutpostTarget target, string extension) =>
            $"{target.Name} has no responder advertisement (inbox/dispatch.txt) yet, so .{extension} could not be checked; " +
            "the job is queued and a responder that cannot run it will answer with exit 125";
    }
}
