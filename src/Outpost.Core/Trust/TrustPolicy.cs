using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Outpost.Core.Protocol;

namespace Outpost.Core.Trust
{
    /// <summary>
    /// The responder's side of signed jobs ([trust] in outpost.toml): which keys it trusts, whether an
    /// unsigned job may run, and how old a signature may be. Stems already accepted are remembered in a
    /// ledger kept on the responder's own disk, not in the share, so whoever can write to the share
    /// cannot erase it and replay a job.
    /// </summary>
    public sealed class TrustPolicy
    {
        private readonly object _gate = new object();
        private HashSet<string>? _seen;

        public bool RequireSignature { get; set; }
        public IList<OutpostKey> TrustedKeys { get; set; } = new List<OutpostKey>();
        /// <summary>How old a signature may be when its job is dispatched (default 24 h); also bounds clock skew the other way (5 min).</summary>
        public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
        /// <summary>The ledger of accepted stems; null keeps it in memory only (tests).</summary>
        public string? LedgerPath { get; set; }

        public bool IsActive => RequireSignature || TrustedKeys.Count > 0;

        /// <summary>Null when the job may run; otherwise why not (for its stderr and the log).</summary>
        /// <param name="responderName">This responder's name: a signature must name it as its target.</param>
        /// <param name="retrying">
        /// The responder's own record says it started this job before and the job asked to be retried
        /// (# retry=N): its stem is already in the ledger, and that is not a replay.
        /// </param>
        public string? Check(JobFileName job, int lane, byte[] content, byte[]? signatureFile, DateTime nowUtc,
            string responderName = "", bool retrying = false)
        {
            if (signatureFile == null)
                return RequireSignature ? "refused: this responder runs only signed jobs (require_signature), and this job has no signature" : null;
            JobSignature signature;
            try { signature = JobSignature.Parse(signatureFile); }
            catch (Exception e) when (e is FormatException || e is OverflowException)
            {
                return "refused: the job's signature file is not valid: " + e.Message;
            }
            var key = TrustedKeys.FirstOrDefault(k => k.KeyId == signature.KeyId);
            if (key == null) return $"refused: signed by key {signature.KeyId}, which this responder does not trust";
            if (signature.Stem != job.Stem.Text || signature.Lane != lane || signature.Extension != job.Extension)
                return "refused: the signature was made for another job (stem, lane or extension differ): a copied or moved job";
            if (signature.ContentSha256 != JobSignature.Sha256Hex(content))
                return "refused: the job's content does not match its signature (tampered)";
            if (!key.Verify(signature.Payload(), signature.Signature))
                return "refused: the signature does not verify";
            if (signature.Target.Length == 0)
                return "refused: the signature names no target (made by an older Outpost): it could be replayed on any share; sign it again";
            if (!string.Equals(signature.Target, responderName, StringComparison.Ordinal))
                return $"refused: the job was signed for the responder \"{signature.Target}\", not for this one (\"{responderName}\"): a job copied from another share";
            if (nowUtc - signature.SignedAt > Window)
                return $"refused: the signature is older than {Window.TotalHours:0.#} h (expired)";
            if (signature.SignedAt - nowUtc > TimeSpan.FromMinutes(5))
                return "refused: the signature is dated in the future (check the clocks)";
            if (!Remember(job.Stem.Text) && !retrying) return "refused: this stem was already run once (a replayed job)";
            return null;
        }

        /// <summary>Records the stem; false when it was already there.</summary>
        private bool Remember(string stem)
        {
            lock (_gate)
            {
                _seen ??= LoadLedger();
                if (!_seen.Add(stem)) return false;
                if (LedgerPath != null)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(LedgerPath)!);
                    File.AppendAllText(LedgerPath, stem + "\n");
                }
                return true;
            }
        }

        private HashSet<string> LoadLedger()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (LedgerPath != null && File.Exists(LedgerPath))
                foreach (string line in File.ReadAllLines(LedgerPath)) if (line.Length > 0) seen.Add(line.Trim());
            return seen;
        }

        /// <summary>
        /// The ledger for one share, under the user's state folder (outside the share), keyed by the share's
        /// resolved path: a trailing slash, a relative path or a link to the same folder is the same share.
        /// </summary>
        public static string DefaultLedgerPath(string shareRoot) => StatePath("seen-", shareRoot);

        /// <summary>A per-share file in the user's state folder, named by a hash of the resolved share path.</summary>
        public static string StatePath(string prefix, string shareRoot)
        {
            string folder = Path.Combine(Config.ConfigPaths.ConfigFolder(), "state");
            string key = Transport.NativeFiles.ResolvePath(shareRoot);
            if (Transport.NativeFiles.IsWindows) key = key.ToUpperInvariant(); // one folder, however it is spelt
            return Path.Combine(folder, prefix + JobSignature.Sha256Hex(Encoding.UTF8.GetBytes(key)).Substring(0, 16) + ".txt");
        }
    }
}
