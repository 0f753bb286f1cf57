using System.Linq;
using System.Management.Automation;
using Outpost.Core.Config;

namespace Outpost.PowerShell
{
    /// <summary>
    /// A target name: 1..64 characters of a-z, 0-9, '_' or '-', lower case. ValidatePattern would match
    /// case-insensitively (PowerShell's -match), letting UX_VM through to fail later, and its message
    /// quotes the regex; this one says what is allowed and suggests the fix.
    /// </summary>
    public sealed class ValidateTargetNameAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
        {
            object value = arguments is PSObject ps ? ps.BaseObject : arguments;
            string name = value?.ToString() ?? "";
            if (TargetRegistry.IsValidName(name)) return;
            string suggestion = new string(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) && c < 128 || c == '_' || c == '-' ? c : '-').ToArray());
            if (suggestion.Length > 64) suggestion = suggestion.Substring(0, 64);
            string hint = TargetRegistry.IsValidName(suggestion) ? $" (try \"{suggestion}\")" : "";
            throw new ValidationMetadataException(
                $"\"{name}\" is not a valid target name: use 1..64 characters of lower-case a-z, 0-9, '_' or '-'{hint}");
        }
    }
}
