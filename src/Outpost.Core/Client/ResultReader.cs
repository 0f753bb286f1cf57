using System;
using System.IO;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;
using Outpost.Core.Trust;

namespace Outpost.Core.Client
{
    /// <summary>
    /// Reads a job's result back from the share as data from an adversary: the .result must name this
    /// job (stem, lane) and a plain extension, and with a pinned responder key it must carry a signature by
    /// that key over the exact .result and the hashes of .stdout and .stderr.
    /// </summary>
    internal sealed class ResultReader
    {
        private readonly IShareTransport _share;
        private readonly OutpostKey? _pinned;

        public ResultReader(IShareTransport share, OutpostKey? pinned)
        {
            _share = share;
            _pinned = pinned;
        }

        public static ShareAddress ResultAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.ResultExtension);
        public static ShareAddress StdoutAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StdoutExtension);
        public static ShareAddress StderrAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StderrExtension);
        public static ShareAddress SignatureAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.ResultExtension + ResultSignature.Suffix);

        /// <param name="rejected">Why a result that is there was not accepted (null when accepted or absent).</param>
        public OutpostResult? TryRead(int lane, string stem, out string? rejected)
        {
            rejected = null;
            var address = ResultAddress(lane, stem);
            byte[]? bytes;
            try { bytes = _share.Read(address, 1024 * 1024); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                if (e is ShareRefusedException) rejected = e.Message;
                return null;
            }
            if (bytes is null) return null;
            JobResult result;
            try { result = JobResult.Parse(bytes, _share.LocationOf(address)); }
            catch (FormatException e)
            {
                rejected = "the .result does not parse: " + e.Message;
                return null;
            }
            if (result.Stem != stem || result.Lane != lane || !JobFileName.IsValidExtension(result.Extension))
            {
                rejected = "the .result names another stem or lane, or an extension that is not a plain extension";
                return null;
            }
            rejected = _pinned is null ? null : Verify(lane, stem, bytes);
            if (rejected != null) return null;
            return OutpostResult.From(result, _share.LocationOf(StdoutAddress(lane, stem)), _share.LocationOf(StderrAddress(lane, stem)));
        }

        /// <summary>Null when the result and its outputs carry a valid signature by the pinned responder key.</summary>
        private string? Verify(int lane, string stem, byte[] result)
        {
            try
            {
                byte[]? signature = _share.Read(SignatureAddress(lane, stem), 64 * 1024);
                string stdout, stderr;
                using (var s = _share.OpenRead(StdoutAddress(lane, stem))) stdout = ResultSignature.Sha256Hex(s);
                using (var s = _share.OpenRead(StderrAddress(lane, stem))) stderr = ResultSignature.Sha256Hex(s);
                return ResultSignature.Check(_pinned!, signature, stem, lane, result, stdout, stderr);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                return "the result's signature or outputs cannot be read: " + e.Message;
            }
        }

        /// <summary>
        /// Null when output bytes read for the user are the ones the responder signed (a pinned key only):
        /// the output could be swapped between the result's check and its reading.
        /// </summary>
        public string? CheckOutput(int lane, string stem, OutputStreamKind stream, byte[] bytes)
        {
            if (_pinned is null) return null;
            TryRead(lane, stem, out string? rejected);
            if (rejected != null) return rejected;
            try
            {
                var signature = ResultSignature.Parse(_share.TryRead(SignatureAddress(lane, stem), 64 * 1024) ?? Array.Empty<byte>());
                string expected = stream == OutputStreamKind.Stdout ? signature.StdoutSha256 : signature.StderrSha256;
                return JobSignature.Sha256Hex(bytes) == expected ? null
                    : $"the {stream.ToString().ToLowerInvariant()} read does not match the signed result (changed in the share)";
            }
            catch (Exception e) when (e is FormatException || e is OverflowException)
            {
                return "the result's signature is not valid: " + e.Message;
            }
        }
    }
}
