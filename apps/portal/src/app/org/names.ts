/** Service account names follow the API's rule (libs/contracts CreateServiceAccountRequest). */
export function serviceAccountNameProblem(name: string): string | undefined {
  if (!name) return undefined;
  if (name.length < 2 || name.length > 64) return 'Use 2 to 64 characters.';
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(name)) {
    return 'Use lowercase letters, digits and dashes, not at the start or end.';
  }
  return undefined;
}
