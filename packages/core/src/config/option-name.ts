/** How an option is named in a message: the option itself for API callers, a flag for the CLI. */
export type OptionNamer = (option: string) => string;

export const optionName: OptionNamer = (option) => option;
