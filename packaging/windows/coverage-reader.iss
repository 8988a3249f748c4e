; Coverage Reader — the Windows installer (Inno Setup 6.3 or later).
;
; Packs the PyInstaller bundle dist\coverage-reader\ into dist\CoverageReader-<version>-setup.exe.
; Normally run by packaging\windows\build.ps1, which builds and smoke-tests the bundle first:
;
;   iscc /DAppVersion=0.1.0 packaging\windows\coverage-reader.iss
;
; Signed build (build.ps1 does this when the WINDOWS_CERT_PFX secret is set): define Sign=1
; and pass the sign tool named "signtool" with /S. $f is the file to sign, $q a quote:
;
;   iscc /DAppVersion=0.1.0 /DSign=1
;        "/Ssigntool=$qC:\...\signtool.exe$q sign /sha1 <thumbprint> /fd sha256
;                    /tr http://timestamp.digicert.com /td sha256 /d $qCoverage Reader$q $f"
;        packaging\windows\coverage-reader.iss
;
; The installer is per-user by default (no administrator rights: it installs into
; %LOCALAPPDATA%\Programs\Coverage Reader); the first page offers "install for all users",
; which asks for elevation and installs into Program Files.

#ifndef AppVersion
  #error Define the version: iscc /DAppVersion=0.1.0 packaging\windows\coverage-reader.iss
#endif
#ifndef Sign
  #define Sign "0"
#endif
; The version as Windows shows it in the file properties: up to four numbers (build.ps1
; passes the numeric start of AppVersion, "0.1.0" for "0.1.0.dev1").
#ifndef NumericVersion
  #define NumericVersion "0.0.0"
#endif
; The repository's top folder, from this script's folder (packaging\windows\).
#define Root AddBackslash(SourcePath) + "..\.."
#ifndef BundleDir
  #define BundleDir Root + "\dist\coverage-reader"
#endif
#ifndef OutputDirectory
  #define OutputDirectory Root + "\dist"
#endif
#define AppExe "CoverageReader.exe"
#define CliExe "coverage-reader.exe"

#if !FileExists(BundleDir + "\" + AppExe) || !FileExists(BundleDir + "\" + CliExe)
  #error The bundle is missing or incomplete: run pyinstaller --noconfirm --clean packaging/pyinstaller/coverage-reader.spec first
#endif

[Setup]
; AppId identifies the application to Windows (upgrades, uninstall): never change it.
AppId={{09648E60-6BE0-47D7-B7B9-B7C6B44942AD}
AppName=Coverage Reader
AppVersion={#AppVersion}
AppVerName=Coverage Reader {#AppVersion}
AppPublisher=Coverage Reader developers
AppCopyright=Coverage Reader developers, GPL-3.0-or-later
VersionInfoVersion={#NumericVersion}
VersionInfoDescription=Coverage Reader installer
VersionInfoProductName=Coverage Reader
; Per-user by default; the user may choose all users (which then asks for elevation).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\Coverage Reader
DisableProgramGroupPage=yes
; One Start menu entry, no folder; no file associations.
ChangesAssociations=no
SourceDir={#BundleDir}
OutputDir={#OutputDirectory}
OutputBaseFilename=CoverageReader-{#AppVersion}-setup
SetupIconFile={#Root}\resources\icons\coverage-reader.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=Coverage Reader
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Qt 6 needs Windows 10 or later, 64-bit.
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Ask to close a running Coverage Reader before replacing its files.
CloseApplications=yes
RestartApplications=no
#if Sign == "1"
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle (SourceDir), as it is.
Source: "*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundle: files a previous version had and this one has not
; (Python modules, Qt plugins) must not linger next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Coverage Reader"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Comment: "Read, search and annotate news coverage offline"
Name: "{autodesktop}\Coverage Reader"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,Coverage Reader}"; Flags: nowait postinstall skipifsilent

; The user's library (%LOCALAPPDATA%\coverage-reader) and settings are the user's data: the
; uninstaller leaves them.
